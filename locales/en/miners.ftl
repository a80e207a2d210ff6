## Miners: the list, filters, selections, mass actions, imports

menu-miners = ⛏ Miners
client-miners-area = 🛠 Select in Miners

miners-title = <b>⛏ Miners</b> ({ $count })
miners-empty = No miners yet. Import them from a spreadsheet with “📥 Import”.
miners-none-found = No miner matches. Change the filters or clear them.
miners-search-hint = <i>To search, send an IP, serial number, MAC or worker.</i>
miners-open-hint = <i>🔎 n opens a miner's card.</i>
miners-tick-hint = <i>⬜ n ticks a miner; 🛠 Actions → 🔎 Open miners from the list switches back.</i>
miners-mode-tick = ☑️ Tick miners in the list
miners-mode-open = 🔎 Open miners from the list
miners-legend = <i>status · serial number (or MAC, IP) · model, then IP or place · 👤 client · 💳🟢 paid, 💳🔴 unpaid</i>
miners-selected = ☑️ Selected: { $count }
miners-no-client = no client
miners-client-label = #{ $id } { $name } ({ $email })
miners-client-label-email = #{ $id } { $email }
miners-filter-client = 👤 Client: { $client }
miners-filter-status = Status: { $icon } { $status }
miners-filter-paid = 💳🟢 Paid only
miners-filter-unpaid = 💳🔴 Unpaid only
miners-filter-search = 🔍 “{ $query }”

miners-by-client-button = 👤 Client
miners-status-button = 🚦 Status
miners-paid-any = 💳 Paid: all
miners-paid-only = 💳 Paid { $icon }
miners-unpaid-only = 💳 Unpaid { $icon }
miners-clear-filters = ✖️ Clear filters
miners-select-all = ☑️ Select all ({ $count })
miners-paste = 📋 Select by list
miners-actions = 🛠 Actions ({ $count })
miners-actions-open = 🛠 Actions
miners-selection-changed = ⚠️ The selection has changed since that message: { $count ->
        [0] no miner is selected now.
        [one] one miner is selected now.
       *[other] { $count } miners are selected now.
    }
miners-selection-kept = ☑️ { $count ->
        [one] The miner stays selected
       *[other] The { $count } miners stay selected
    } until you clear the selection under 🛠 Actions.
miners-clear-selection = ✖️ Clear selection
miners-import = 📥 Import
miners-back-to-list = ⬅️ Back to the list
miners-open-list = ⛏ Miners

miners-status-ask = Show miners in which status?
miners-status-any = All statuses
miners-client-ask = Send the client's email, ID (e.g. #12) or part of the name.
miners-client-not-found = No client found. Send another email, ID or name.
miners-client-choose = Several clients match. Choose one:
miners-client-none = 🚫 Without a client
miners-client-any = 👥 Any client

## Selections and mass actions

miners-paste-ask =
    Send IPs, serial numbers or MACs, one per line or separated by commas, or a file (.txt, .csv or a spreadsheet) with them.
    The miners they name become the selection.
miners-paste-again = Send the list again, or another file.
miners-paste-found = Found { $count ->
        [one] one miner
       *[other] { $count } miners
    } for { $tokens ->
        [one] one identifier
       *[other] { $tokens } identifiers
    }.
miners-paste-missing = Not found ({ $count }): { $items }
miners-paste-missing-more = … and { $count } more.
miners-actions-title = <b>Selected miners: { $count }</b>
miners-selection-empty = No miners are selected. Tick them in the list, select all that the filters show, or send a list.
miners-by-client = By client:
miners-share = • { $client }: { $count }
miners-share-paid = • { $client }: { $count } (🟢 { $paid } · 🔴 { $unpaid })
miners-share-more = • … { $clients ->
        [one] one more client
       *[other] { $clients } more clients
    }: { $count }
miners-edit-client = 👤 Edit client
miners-set-payment = 💳 Set payment status
miners-confirm = ✅ Confirm
miners-form-over = This step is over. Here is the selection as it is now.

miners-move-ask = Send the email of the client the { $count ->
        [one] selected miner goes
       *[other] { $count } selected miners go
    } to, or choose “No client”.
miners-move-ask-again = Send the client's email again.
miners-move-to-none = 🚫 No client
miners-move-unknown = No client has the email { $email }. Add the client first? It is named as the email until someone edits it, and you become its manager.
miners-move-unknown-cannot-add = No client has the email { $email }, and your role cannot add clients. Ask a manager to add the client, or send another email.
miners-add-client = ➕ Add client { $email }
miners-client-added = Client { $email } added.
miners-move-confirm = <b>Move { $count ->
        [one] one miner
       *[other] { $count } miners
    } to { $client }?</b>
miners-move-from = From:
miners-move-staying = Already with { $client }, unchanged: { $count }
miners-move-nothing = { $count ->
        [one] The selected miner already belongs to { $client }. Nothing to change.
       *[other] All { $count } selected miners already belong to { $client }. Nothing to change.
    }
miners-moved = ✅ { $count ->
        [one] One miner moved
       *[other] { $count } miners moved
    } to { $client }.

miners-unassign-confirm = <b>Take { $count ->
        [one] one miner away from its client?</b> It will have no client.
       *[other] { $count } miners away from their clients?</b> They will have no client.
    }
miners-unassign-staying = Already without a client, unchanged: { $count }
miners-unassign-nothing = { $count ->
        [one] The selected miner has no client. Nothing to change.
       *[other] None of the { $count } selected miners has a client. Nothing to change.
    }
miners-unassigned = ✅ { $count ->
        [one] One miner has
       *[other] { $count } miners have
    } no client now.

miners-set-status = 🚦 Set status
miners-status-set-ask = Set by hand the status of { $count ->
        [one] the selected miner
       *[other] { $count } selected miners
    } (while telemetry is on, a polled miner's own readings replace it after two polls):
miners-status-confirm = <b>Set the status of { $count ->
        [one] one miner
       *[other] { $count } miners
    } to { $icon } { $status }?</b>
miners-status-nothing = { $count ->
        [one] The selected miner is already { $icon } { $status }. Nothing to change.
       *[other] All { $count } selected miners are already { $icon } { $status }. Nothing to change.
    }
miners-status-done = ✅ { $count ->
        [one] One miner is
       *[other] { $count } miners are
    } { $icon } { $status } now.

miners-paid-word = paid
miners-unpaid-word = unpaid
miners-pay-ask = Set the payment status of { $count ->
        [one] the selected miner
       *[other] { $count } selected miners
    }:
miners-pay-confirm = <b>Mark { $count ->
        [one] one miner
       *[other] { $count } miners
    } as { $icon } { $status }?</b>
miners-already = { $count ->
        [one] One is already { $icon } { $status } and stays as it is.
       *[other] { $count } are already { $icon } { $status } and stay as they are.
    }
miners-pay-nothing = { $count ->
        [one] The selected miner is already { $icon } { $status }. Nothing to change.
       *[other] All { $count } selected miners are already { $icon } { $status }. Nothing to change.
    }
miners-pay-done = ✅ { $count ->
        [one] One miner marked
       *[other] { $count } miners marked
    } { $icon } { $status }.

## Import

miners-import-ask =
    <b>📥 Import miners</b>
    Send a spreadsheet — .xlsx, .xls, .xlsb, .ods or .csv, up to { $mb } MB: one row per miner, column names in the first row. The first sheet with column names is read.
    Columns, in any order, in English or Russian (others are ignored): IP, MAC, Serial number, Model, Submodel, Worker, Location (or Container, Rack, Place), Client email, Nominal power (W), Paid, Status.
    A serial number, MAC or IP finds an existing miner, which is updated; otherwise a new one is added. An empty cell leaves the miner's value as it is.
    You see a preview before anything is saved.
miners-import-send-file = Send the spreadsheet (.xlsx, .xls, .xlsb, .ods or .csv) as a document, or go back to the list.
miners-template = 📄 Template
miners-template-caption = The import template. The second sheet explains each column and the other names it may have.
miners-template-sheet = Miners
miners-template-help-sheet = Columns
miners-template-head-column = Column
miners-template-head-aliases = Also accepted
miners-template-head-what = What to put
miners-template-head-example = Example
miners-template-about-ip = The miner's IP address (IPv4 or IPv6). Identifies a miner when there is no serial number or MAC.
miners-template-about-mac = The MAC address, with or without separators: a4:5e:60:c1:22:0f, A4-5E-60-C1-22-0F, a45e60c1220f.
miners-template-about-serial = The serial number: the surest way to find the miner again. At least one of serial number, MAC or IP is needed.
miners-template-about-model = The model, up to 64 characters.
miners-template-about-submodel = The submodel or hashrate variant, up to 64 characters.
miners-template-about-worker = The pool worker name, up to 128 characters.
miners-template-about-location = Where it stands: container / rack / place, up to 128 characters.
miners-template-about-container = Instead of Location: the container. Container, Rack and Place are joined as C01/R03/P12.
miners-template-about-rack = Instead of Location: the rack.
miners-template-about-place = Instead of Location: the place in the rack.
miners-template-about-email = The client's email. A new email can be added as a client from the preview; otherwise the miner has no client.
miners-template-about-power = Nominal power in watts, a whole number (3250, “3 250”, “3250 W”).
miners-template-about-paid = Whether the client has paid for it: yes / no (also true/false, 1/0, да/нет). Empty: paid for a new miner.
miners-template-about-status = Active, Lowhash, Hanged, Offline or Unknown. Empty: Unknown for a new miner.

miners-file-too-big = This file is larger than { $mb } MB, the most a bot may download from Telegram. Split it into several files, or save it as .xlsx (smaller than .csv).
miners-import-reading = ⏳ Reading { $file }…
miners-import-progress = ⏳ Reading { $file }… { $count ->
        [one] one row
       *[other] { $count } rows
    } so far.
miners-import-checking = ⏳ Checking { $count ->
        [one] one row
       *[other] { $count } rows
    } against the stored miners…
miners-import-nothing-changed = Nothing was changed. Fix the file and send it again.
miners-import-preview-title = <b>📥 Import preview</b> · { $file }
miners-import-rows = Rows: { $count }
miners-import-sheet-rows = Sheet “{ $sheet }” · rows: { $count }
miners-import-new = 🆕 New miners: { $count }
miners-import-updated = ✏️ Updated: { $count }
miners-import-moved = 👤 Of them changing client: { $count }
miners-import-unchanged = ➖ Unchanged: { $count }
miners-import-rejected = ⛔ Rejected rows, to be skipped: { $count }
miners-import-without-client = 👤 Rows whose email has no client, imported without a client: { $count }
miners-import-rejects-title = <b>Rejected rows</b>
miners-import-rejects-more = …
miners-import-emails-title = <b>Emails with no client ({ $count })</b>
miners-import-email = • { $email }: { $count ->
        [one] one row
       *[other] { $count } rows
    }
miners-import-emails-hint = Add a client for an email to import its rows with that client; fill in the name, phone and manager later with Edit.
miners-import-emails-cannot-add = Your role cannot add clients: ask a manager to add them, or their rows are imported without a client.
miners-import-apply-hint = Nothing is saved until you tap Apply.
miners-import-nothing = Nothing to change: every row is rejected or already as stored.
miners-add-all-clients = ➕ { $count ->
        [one] Add the client
       *[other] Add all { $count } clients
    }
miners-clients-added = { $count ->
        [0] These clients exist already.
        [one] Client added.
       *[other] { $count } clients added.
    }
miners-import-all-rejects = ⛔ All rejected rows ({ $count })
miners-import-rejects-page = <b>⛔ Rejected rows ({ $count })</b>
miners-import-rejects-cut = { $count ->
        [one] Only the first is listed.
       *[other] Only the first { $count } are listed.
    }
miners-import-apply = ✅ Apply
miners-import-applying = ⏳ Applying the import…
miners-import-cancelled = Import cancelled. Nothing was saved.
miners-import-done = ✅ <b>Imported</b> · { $file }
miners-import-done-new = 🆕 Added: { $count }
miners-import-done-updated = ✏️ Updated: { $count }
miners-import-skipped = ⛔ Rejected rows skipped: { $count }
miners-import-done-without-client = 👤 Miners left without a client (email not found): { $count }

miners-column-ip = IP
miners-column-mac = MAC
miners-column-serial = Serial number
miners-column-model = Model
miners-column-submodel = Submodel
miners-column-worker = Worker
miners-column-location = Location
miners-column-container = Container
miners-column-rack = Rack
miners-column-place = Place
miners-column-email = Client email
miners-column-power = Nominal power
miners-column-paid = Paid
miners-column-status = Status

miners-reject-error-value = Row { $row }: { $column } holds a formula error “{ $value }”.
miners-reject-ip = Row { $row }: “{ $value }” is not an IP address.
miners-reject-mac = Row { $row }: “{ $value }” is not a MAC address.
miners-reject-too-long = Row { $row }: { $column } is too long (“{ $value }”).
miners-reject-power = Row { $row }: nominal power “{ $value }” is not a whole number of watts.
miners-reject-paid = Row { $row }: Paid is “{ $value }”; use yes or no.
miners-reject-status = Row { $row }: unknown status “{ $value }”; use Active, Lowhash, Hanged, Offline or Unknown.
miners-reject-email = Row { $row }: “{ $value }” is not an email address.
miners-reject-no-id = Row { $row }: no serial number, MAC or IP.
miners-reject-dup-serial = Row { $row }: serial number { $value } is already in row { $other }.
miners-reject-dup-mac = Row { $row }: MAC { $value } is already in row { $other }.
miners-reject-dup-ip = Row { $row }: IP { $value } is already in row { $other }, and neither row has a serial number or MAC.
miners-reject-conflict = Row { $row }: the serial number belongs to one miner and MAC { $value } to another.
miners-reject-ip-ambiguous = Row { $row }: several miners have IP { $value }; add the serial number or MAC.
miners-reject-same-miner = Row { $row }: the same miner as row { $other }.

invalid-file-empty = The file is empty.
invalid-file-too-big = The file is larger than { $mb } MB, the most a bot may download from Telegram.
invalid-file-password = The workbook is protected with a password, so it cannot be read. Save a copy without the password and send that.
invalid-file-corrupt = The file is damaged and cannot be read. Save it again from Excel or LibreOffice.
invalid-file-not-spreadsheet = This is not a spreadsheet (a picture, a PDF or another kind of document?). Send an .xlsx, .xls, .xlsb, .ods or .csv file.
invalid-file-too-many-cells = A sheet of this file is too large to read: its cells, blank ones included, span more than { $max } (rows × columns). Delete stray cells far below or to the right of the table, or split the file.
invalid-file-zip-bomb = The file unpacks to far more than a spreadsheet of miners should; it was not opened.
invalid-file-no-header = No header row found. The first row must name the columns, e.g. IP, MAC, Serial number.
invalid-file-no-id-column = The file has no Serial number, MAC or IP column, so no miner can be found or added.
invalid-file-too-many-rows = The file has more than { $max } rows. Split it into several files.
invalid-list-empty = The list is empty. Send IPs, serial numbers or MACs.
invalid-list-too-long = The list has more than { $max } entries. Select by a filter instead, or split the list.
invalid-selection-empty = No miners are selected.
conflict-import-clashed = Someone changed the same miners while this import was being saved. Nothing was saved: tap Apply again.
conflict-too-many-picked = At most { $max } miners can be picked one by one; use “Select all” with a filter for more.

log-miners-imported = ⛏ Miners imported from a file
log-miners-client-changed = ⛏ Miners moved between clients
log-miners-payment-status = 💳 Miners' payment status changed
log-miner-client-changed = ⛏ Miner's client changed
log-miner-payment-status = 💳 Miner's payment status changed
field-miners = Miners
field-miners-paid = 🟢 Paid miners
field-miners-unpaid = 🔴 Unpaid miners
field-client-email = Client email
field-paid = Paid
log-miner-status-changed = 🚦 Miner's status changed
field-status = Status
invalid-status-unknown = This is not a miner status.
miners-reject-client-archived = Row { $row }: client { $value } is archived; restore it first or name another client.
