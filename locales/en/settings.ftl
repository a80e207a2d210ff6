## Settings

settings-title = <b>Settings</b>
settings-language = Your language: { $language }
settings-change-language = 🌐 Language
settings-pick-language = Choose your language:
settings-facility =
    <b>Facility</b>
    Name: { $name }
    Time zone: { $timezone }
    Currency: { $currency }
    Plan: { $plan }
    Client management: { $clients }
settings-edit-name = ✏️ Name
settings-edit-timezone = 🕒 Time zone
settings-edit-currency = 💱 Currency
settings-edit-plan = 📦 Plan
settings-clients-on = 🟢 Turn client management on
settings-clients-off = ⚪️ Turn client management off
settings-ask-name = Send the facility's name (1–64 characters).
settings-ask-tz = Choose the time zone, or send its name, e.g. Europe/Berlin.
settings-ask-cur = Choose the currency, or send its code, e.g. GBP.
settings-ask-plan = Choose the plan:
settings-saved = Saved.
switch-on = on
switch-off = off

plan-free = Free
plan-basic = Basic
plan-core = Core
plan-scale = Scale
plan-enterprise = Enterprise

invalid-timezone-unknown = This is not a time zone name. Use a name like Europe/Moscow or Asia/Almaty.
invalid-currency-format = A currency code has 3–5 Latin letters, e.g. USD, EUR, USDT.
invalid-plan-unknown = Unknown plan.
