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

## Merge, archive, restore, delete

client-merge = 🔀 Merge into…
client-archive = 🗄 Archive…
client-merge-title = <b>Merge #{ $id } { $name } into another client</b>
client-merge-ask = Send the name, email or #ID of the client it merges into.
client-merge-pick = Choose the client:
client-merge-none = No other active client matches. Try another name, email or ID.
client-merge-confirm = <b>Merge { $source } into { $target }?</b>
client-merge-moves = From #{ $source } to #{ $target } move:
client-merge-miners = ⛏ Miners: { $count }
client-merge-tasks = 📋 Tasks: { $count }
client-merge-assets = 🗄 Assets: { $count }
client-merge-bills = 🧾 Bills: { $count }
client-merge-payments = 💳 Payments on those bills: { $count }
client-merge-alerts = 🚨 Alerts (open and past): { $count }
client-merge-followers = 🔔 Members who follow its alerts: { $count }
client-merge-pricing = 💲 #{ $target } keeps its own prices and invoice language.
client-merge-own-rates = #{ $source }'s own prices (copy them by hand if #{ $target } should have them):
client-merge-no-own-rates = #{ $source } has no prices of its own (it pays the facility's).
client-merge-aliases = ✉️ { $emails } will name #{ $target }: an import or “Edit client” with it lands on #{ $target }.
client-merge-archive = Then #{ $source } is archived with the note “merged into #{ $target }”; both logs record the merge, and #{ $source }'s log stays readable from #{ $target }'s. A merge cannot be undone.
client-merge-apply = 🔀 Merge
client-merge-link-revoked = 👁 #{ $source }'s watcher link stops working at once.
client-merge-link-kept = 👁 #{ $target }'s watcher link is kept.
client-merge-changed = ⚠️ Something changed since you opened this screen. Here is what the merge will move now.
client-merge-done-short = Merged
client-merge-done = ✅ { $source } merged into { $target }. Moved: ⛏ miners { $miners } · 📋 tasks { $tasks } · 🗄 assets { $assets } · 🧾 bills { $bills }.
client-merged-note = 🔀 Merged into client #{ $into } on { $at }. Its miners, tasks, assets and bills are there now.
client-archived-note = 🗄 Archived on { $at }. It is not in the overview, the search or the pickers; its data, bills and logs stay.
client-restore = ♻️ Restore
client-restored = Restored
client-archived = Archived

client-archive-title = <b>Archive #{ $id } { $name }</b>
client-archive-has-miners = ⛏ It still has { $count ->
        [one] one miner. Move it
       *[other] { $count } miners. Move them
    } to another client first (Miners → Edit client), then archive it.
client-archive-has-bills = 🧾 It still owes { $count ->
        [one] a bill:
       *[other] { $count } bills:
    }
client-archive-bill = • #{ $id } · { $period } · { $owed } owed
client-archive-what = Archived, it leaves the overview, the search and the pickers, and its watcher link stops working at once. Its data, bills and logs stay, exports can still include it, and it can be restored from the 🗄 Archived list.
client-archive-deletable = It has nothing yet but its creation: if it was added by mistake, it can be deleted instead.
client-archive-apply = 🗄 Archive
client-archive-move-miners = ⛏ Move its miners to another client
client-archive-open-bill = 🧾 Bill #{ $id } · { $period }
client-delete = 🗑 Delete for good
client-delete-confirm = Delete client #{ $id } { $name } for good? It has no miners, tasks, bills or history; the deletion is recorded in the general log.
client-delete-apply = 🗑 Delete
client-deleted = Client #{ $id } { $name } deleted

clients-show-archived = 🗄 Archived
clients-show-active = 👥 Active clients
clients-archived-title = <b>🗄 Archived clients</b> ({ $count })
clients-archived-empty = No archived clients.

log-client-merged-into = Merged into another client
log-client-merged = Another client merged into this one
log-client-archived = Client archived
log-client-restored = Client restored
log-client-deleted = Client deleted
log-detail-alias = Email kept as an alias
field-client-tasks = Tasks
field-client-assets = Assets
field-client-bills = Bills
field-client-payments = Payments
field-client-alerts = Alerts
field-client-followers = Alert followers

conflict-client-archived = Client #{ NUMBER($client_id, useGrouping: 0) } { $name } is archived. Restore it from the 🗄 Archived list first.
conflict-client-merged = Client #{ NUMBER($client_id, useGrouping: 0) } { $name } was merged into #{ NUMBER($into, useGrouping: 0) }; use that client.
conflict-client-not-archived = Client #{ NUMBER($client_id, useGrouping: 0) } { $name } is not archived.
conflict-client-has-history = Client #{ NUMBER($client_id, useGrouping: 0) } { $name } has a history now, so it is archived rather than deleted.
conflict-email-alias = This email now names client #{ NUMBER($client_id, useGrouping: 0) } { $name } (a merged client's email).
conflict-email-taken-archived = An archived client has this email: #{ NUMBER($client_id, useGrouping: 0) } { $name }. Restore it instead of adding it again.
conflict-merge-self = A client cannot be merged into itself.
conflict-merge-into-archived = Client #{ NUMBER($client_id, useGrouping: 0) } { $name } is archived; merge into an active client.
conflict-merge-bill-run = The bills for { $period } are being made right now. Merge when they are done (a few minutes).
conflict-merge-export = Export #{ NUMBER($job, useGrouping: 0) } with these clients' data is being made. Merge when it is done.
conflict-merge-changed = Something changed meanwhile; check the merge again.
conflict-archive-blocked = This client still has miners or unpaid bills.
