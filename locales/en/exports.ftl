## Exports: export client data for a period, the list of exports, the file itself

menu-exports = 📤 Exports
clients-export = 📤 Export client data
client-export = 📤 Export
open-exports = 📤 My exports

export-title = <b>📤 Export client data</b> · step { $step } of 3
export-ask-clients = Which clients? Export all of them, or tick the ones you need.
export-all-clients = 👥 All clients ({ $count })
export-pick-clients = ☑️ Choose clients
export-pick = Tick the clients to export. Chosen: { $count }.
export-pick-search = 🔍 “{ $query }”
export-pick-none = Nothing found. Try another name, email or ID, or clear the search.
export-pick-empty = There are no clients yet.
export-pick-hint = <i>To search, send a name, email or ID.</i>
export-pick-next = ➡️ Next ({ $count })
export-pick-clear = ✖️ Clear search
export-ask-period = Clients: { $clients }
    Which period?
export-period-this-month = This month
export-period-last-month = Last month
export-period-last-7 = Last 7 days
export-period-last-30 = Last 30 days
export-period-custom = 📅 From – to
export-calendar-first = Tap the first day of the period.
export-calendar-last = From { $from }. Now tap the last day.
export-calendar-new-first = The last day cannot be before the first one, so { $day } is the first day now.
export-calendar-both = { $from } – { $to }. Tap “Use” or choose other days.
export-calendar-use = ✅ Use { $from } – { $to }
export-ask-kinds = Clients: { $clients }
    Period: { $period }
    Tick the data to include:
export-kind-profile = Client profile
export-kind-miners = Miners
export-kind-tasks = Tasks
export-kind-billing = Bills and payments
export-kind-consumption = Daily consumption
export-kind-logs = Logs
export-download = ⬇️ Download
export-queued = ⏳ Export #{ $id } is being prepared. The file will arrive in this chat; you can go on working meanwhile.

export-clients-all = all clients ({ $count })
export-clients-more = and { $count } more
export-period-named = { $name }, { $from } – { $to }
export-period-range = { $from } – { $to }

export-caption =
    📤 <b>Export #{ $id }</b>
    Clients: { $clients }
    Period: { $period }
    Data: { $contents }
export-caption-part = File { $part } of { $parts }.
export-caption-split = The export is larger than Telegram's 50 MB limit for one file, so it comes in { $parts } files, each with its own sheets.

exports-title = <b>📤 Your exports</b> ({ $count })
exports-empty = You have not exported anything yet. Start from Clients → “📤 Export client data”.
exports-entry =
    <b>#{ $id }</b> · { $status } · { $when }
    { $clients } · { $period }
    { $contents }
exports-entry-size = 📦 { NUMBER($size, maximumFractionDigits: 1) } MB
exports-entry-files = 📦 { NUMBER($size, maximumFractionDigits: 1) } MB in { $count } files
exports-entry-reason = ❗️ { $reason }
exports-kept = <i>Files are kept for { $days } days.</i>
exports-send = 📥 #{ $id }
exports-refresh = 🔄 Refresh
exports-new = 📤 New export
exports-sending = Sending…
export-status-queued = ⏳ waiting
export-status-running = ⚙️ being prepared
export-status-done = ✅ ready
export-status-failed = ❌ failed
export-status-expired = 🗑 removed

export-notice-failed = ❌ Export #{ $id } could not be made: { $reason }
export-notice-resumed = ⏳ FarmDesk was restarted before export #{ $id } was ready. It is being prepared again; the file will follow.
export-notice-undelivered = ⚠️ Export #{ $id } is ready, but Telegram did not accept the file. Open “📤 Exports” to get it.
export-error-internal = something went wrong on our side. Try again; if it happens again, tell an administrator.
export-error-interrupted = FarmDesk was restarted while preparing it several times. Try a shorter period or fewer clients.
export-error-too-large = it is too large even in parts. Try a shorter period, fewer clients or less data.
export-error-permission = your role no longer allows exports, or the Clients area was closed.
export-error-storage = the server could not store the file (is its disk full?). Tell an administrator.

invalid-kinds-empty = Tick at least one kind of data.
invalid-kinds-unknown = This kind of data cannot be exported.
invalid-clients-empty = Tick at least one client.
invalid-clients-too-many = You can tick at most { $max } clients. Choose “All clients” to export more.
invalid-period-order = The last day cannot be before the first day.
invalid-period-future = The period cannot go beyond today.
invalid-period-too-early = The period cannot start before the year 2000.
invalid-period-unknown = This period is not offered.
invalid-period-format = This is not a date.
invalid-period-missing = Choose the first and the last day.
conflict-export-expired = The files of this export were removed after { $days } days. Make a new export.
conflict-export-not-ready = This export has no file to send.

log-export-requested = Client data exported

export-sheet-clients = Clients
export-sheet-miners = Miners
export-sheet-tasks = Tasks
export-sheet-bills = Bills
export-sheet-payments = Payments
export-sheet-consumption = Consumption
export-sheet-logs = Logs

export-col-client-id = Client ID
export-col-client = Client
export-col-name = Name
export-col-email = Email
export-col-phone = Phone
export-col-messenger = Messenger
export-col-manager = Manager
export-col-added = Added
export-col-updated = Changed
export-col-created = Created
export-col-miners = Miners
export-col-price-per-kwh = Price per kWh
export-col-hosting-fee = Hosting per miner a month
export-col-markup = Markup, %
export-col-service-cost = Service cost
export-col-currency = Currency
export-col-miner-id = Miner ID
export-col-model = Model
export-col-submodel = Submodel
export-col-serial = Serial number
export-col-mac = MAC
export-col-ip = IP
export-col-worker = Worker
export-col-location = Location
export-col-power = Power, W
export-col-status = Status
export-col-paid = Paid
export-col-task-id = Task ID
export-col-task-manager = Task manager
export-col-task-type = Type
export-col-task-status = Status
export-col-summary = Summary
export-col-description = Description
export-col-priority = Priority
export-col-due = Due date
export-col-assignee = Assignee
export-col-reporter = Reporter
export-col-task-fields = Other fields
export-col-bill-id = Bill ID
export-col-bill-period = Month
export-col-consumption = Consumption, kWh
export-col-total = Total
export-col-paid-amount = Paid
export-col-bill-status = Status
export-col-payment-id = Payment ID
export-col-paid-on = Date
export-col-amount = Amount
export-col-method = Method
export-col-recorded-by = Recorded by
export-col-recorded-at = Recorded at
export-col-day = Date
export-col-energy = Energy, kWh
export-col-time = Time
export-col-who = Who
export-col-category = Category
export-col-action = Action
export-col-entity = Object
export-col-entity-id = Object ID
export-col-changes = Changes
export-col-details = Details
export-col-payment-term = Payment term, days
export-col-energy-cost = Energy
export-col-markup-amount = Hosting markup
export-col-amount-due = Amount due
export-col-issued-on = Issued
export-col-due-on = Due date
export-col-cancel-reason = Cancelled because
export-col-reference = Reference

export-bill-status-unpaid = Unpaid
export-bill-status-paid = Paid
export-bill-status-partially-paid = Partially paid
export-bill-status-overpaid = Overpaid
export-payment-method-bank-transfer = Bank transfer
export-payment-method-crypto = Crypto
export-payment-method-card = Card
export-payment-method-cash = Cash
export-payment-method-other = Other
export-bill-status-overdue = Overdue
export-bill-status-cancelled = Cancelled
export-payment-method-credit = Credit from another bill

export-clients-count = { $count ->
    [one] 1 client
   *[other] { $count } clients
}
export-file-missing = The file of this export is no longer on the server. Make a new export.
