## Настройки

settings-title = <b>Настройки</b>
settings-language = Ваш язык: { $language }
settings-change-language = 🌐 Язык
settings-pick-language = Выберите язык:
settings-facility =
    <b>Площадка</b>
    Название: { $name }
    Часовой пояс: { $timezone }
    Валюта: { $currency }
    Тариф: { $plan }
    Управление клиентами: { $clients }
settings-edit-name = ✏️ Название
settings-edit-timezone = 🕒 Часовой пояс
settings-edit-currency = 💱 Валюта
settings-edit-plan = 📦 Тариф
settings-clients-on = 🟢 Включить управление клиентами
settings-clients-off = ⚪️ Выключить управление клиентами
settings-ask-name = Пришлите название площадки (1–64 символа).
settings-ask-tz = Выберите часовой пояс или пришлите его название, например Europe/Berlin.
settings-ask-cur = Выберите валюту или пришлите её код, например GBP.
settings-ask-plan = Выберите тариф:
settings-saved = Сохранено.
switch-on = вкл.
switch-off = выкл.

plan-free = Free
plan-basic = Basic
plan-core = Core
plan-scale = Scale
plan-enterprise = Enterprise

invalid-timezone-unknown = Это не название часового пояса. Используйте вид Europe/Moscow или Asia/Almaty.
invalid-currency-format = Код валюты — 3–5 латинских букв, например USD, EUR, USDT.
invalid-plan-unknown = Неизвестный тариф.
