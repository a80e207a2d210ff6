## Clients

clients-title = <b>Clients</b> ({ $count })
clients-search-shown = 🔍 “{ $query }”
clients-mine-shown = 👤 My clients only
clients-legend = <i>⛏ miners: 🟢 active 🟡 lowhash 🟠 hanged 🔴 offline ⚪️ unknown · 📋 tasks: to do·in progress·done · 🧾 bills · 👤 manager</i>
clients-entry =
    <b>#{ $id } { $name }</b>{ $same ->
        [yes] {""}
       *[no] {" "}· { $email }
    }
    📞 { $contacts }
    ⛏ { $miners } { $statuses }
    📋 { $tasks } · 🧾 { $bills } · 👤 { $manager }
clients-empty = No clients yet. Add the first one with “➕ Add client”.
clients-none-found = Nothing found. Try another name, email or ID, or clear the search.
clients-search-hint = <i>To search, send a name, email or ID.</i>
clients-show-mine = 👤 My clients
clients-show-all = 👥 All clients
clients-sort-by-id = ↕️ Sort by ID
clients-sort-by-name = ↕️ Sort by name
clients-clear-search = ✖️ Clear search
clients-add = ➕ Add client
clients-closed = The Clients area is not available. Check:
clients-closed-permission = • Your role has no access to clients. Ask an administrator.
clients-closed-plan = • The facility's plan is { $plan }; clients need Core, Scale or Enterprise (Settings → Plan).
clients-closed-switch = • Client management is off (Settings → Client management).

client-card =
    <b>#{ $id } { $name }</b>
    Email: { $email }
    Phone: { $phone }
    Messenger: { $messenger }
    Manager: { $manager }
    Added: { $added }

    ⛏ Miners: { $miners }
    { $statuses }
    📋 Tasks: { $tasks }
    🧾 Bills: { $bills }
client-miners = ⛏ Miners ({ $count })
client-edit = ✏️ Edit
client-logs = 📜 View logs
client-back-to-list = ⬅️ Back to the list
client-open = Open client #{ $id }

status-active = Active
status-lowhash = Lowhash
status-hanged = Hanged
status-offline = Offline
status-unknown = Unknown
task-category-todo = to do
task-category-in-progress = in progress
task-category-done = done

client-miners-title = <b>#{ $id } { $name }</b> · miners: { $count }
client-miners-legend = <i>status · serial number (or MAC, IP) · model, then IP or place · 💳🟢 paid, 💳🔴 unpaid</i>
client-miners-none = This client has no miners yet.

client-logs-title = <b>#{ $id } { $name }</b> · logs
client-logs-none = Nothing has been logged for this client yet.
log-client-created = Client created
log-client-updated = Client changed
log-client-manager-changed = Manager changed

field-name = Name
field-email = Email
field-manager = Manager
field-phone = Phone
field-messenger = Messenger

client-add-step = <b>New client</b> · step { $step } of { $steps }
client-ask-name = Send the client's name.
client-ask-email = Send the client's email. It links the client's miners, imports and watcher link.
client-ask-email-again = Send another email.
client-ask-manager = Choose the manager responsible for this client.
client-ask-phone = Send the phone number in international form, e.g. +7 900 123-45-67, or skip.
client-ask-messenger = Send a messenger contact, e.g. @telegram_name, or skip.
client-manager-me = 🙋 Me
client-add-summary =
    <b>New client</b>
    Name: { $name }
    Email: { $email }
    Manager: { $manager }
    Phone: { $phone }
    Messenger: { $messenger }
client-add-apply = ✅ Apply
client-added = ✅ Client #{ $id } { $name } added.
form-back = ⬅️ Back
form-skip = ⏭ Skip
form-use-buttons = Please use the buttons above.

client-edit-pick = <b>#{ $id } { $name }</b> · what do you want to change?
client-edit-confirm = { $field }: { $old } → <b>{ $new }</b>
client-edit-changed-meanwhile = ⚠️ Someone else changed this client while you were editing. Check the current value and apply again if you still want your change.
client-edit-apply = ✅ Apply
client-edit-clear = 🗑 Remove
client-edit-ask-name = Send the client's new name.
client-edit-ask-email = Send the client's new email. It links the client's miners, imports and watcher link.
client-edit-ask-manager = Choose the client's new manager.
client-edit-ask-phone = { $removable ->
        [yes] Send the new phone number in international form, e.g. +7 900 123-45-67, or remove the number.
       *[no] Send the phone number in international form, e.g. +7 900 123-45-67.
    }
client-edit-ask-messenger = { $removable ->
        [yes] Send the new messenger contact, e.g. @telegram_name, or remove it.
       *[no] Send a messenger contact, e.g. @telegram_name.
    }

invalid-name-length = The name must have { $min }–{ $max } characters.
invalid-email-format = This is not a valid email address.
invalid-phone-format = This is not a valid phone number. Use the international form, e.g. +7 900 123-45-67.
invalid-messenger-handle = A Telegram name is @ followed by 4–32 letters, digits or underscores.
invalid-messenger-length = A messenger contact has { $min }–{ $max } characters.
invalid-manager-inactive = This member is not active any more. Choose another manager.
conflict-email-taken = A client with this email already exists: #{ $client_id } { $name }.
conflict-stale = Someone else changed this client meanwhile. Open it again.

notify-client-manager = { $by } made you the manager of client #{ $id } { $client }.
open-client = Open client
