## Tasks: the list, the card, the new-task form, task managers, assets

menu-tasks = 📋 Tasks
open-task = Open task

tasks-title = <b>📋 Tasks</b> ({ $count })
tasks-title-mine = <b>📋 My tasks</b> ({ $count })
tasks-filters-shown = Filters: { $filters }
tasks-entry =
    <b>#{ $id }</b> { $summary }{ $overdue }
    { $status } · { $priority } · 📅 { $due }
    👤 { $assignee } · 🏢 { $client }
tasks-empty = No tasks yet. Create one with “➕ Create task”, or from a client's card.
tasks-none-found = No tasks match these filters.
tasks-show-mine = 👤 My tasks
tasks-show-all = 👥 All tasks
tasks-filter-manager = 🗂 Task manager
tasks-filter-client = 🏢 Client
tasks-filter-status = 🚦 Status
tasks-filter-assignee = 🙋 Assignee
tasks-clear-filters = ✖️ Clear filters
tasks-create = ➕ Create task
tasks-managers = ⚙️ Task managers
tasks-open-client = 🏢 Open client #{ $id }
tasks-me = 🙋 Me
tasks-pick-manager = Show the tasks of which task manager?
tasks-pick-client = Show the tasks of which client? Only clients with tasks are listed.
tasks-pick-status = Show tasks in which status?
tasks-pick-assignee = Show whose tasks?
tasks-filter-all-managers = All task managers
tasks-filter-all-clients = All clients
tasks-filter-any-status = Any status
tasks-filter-anyone = Anyone
tasks-filter-category-open = Not done
tasks-filter-category-todo = To do
tasks-filter-category-in-progress = In progress
tasks-filter-category-done = Done

task-nobody = nobody
task-no-due = no due date
task-overdue-mark = {" "}⏰ overdue
task-priority-low = Low
task-priority-medium = Medium
task-priority-high = High
task-priority-critical = Critical

task-card =
    <b>#{ $id } { $summary }</b>
    🗂 { $manager } · { $type }
    Status: { $status }
    Priority: { $priority }
    Due: { $due }
    Assignee: { $assignee }
    Reporter: { $reporter }
    Client: { $client }
    Created: { $created }
task-card-overdue = ⏰ <b>Overdue</b>
task-card-description = 📝 { $text }
task-card-miners = ⛏ <b>Miners</b> ({ $count })
task-card-assets = 🗄 <b>Assets</b> ({ $count })
task-card-more = … and { $count } more
task-card-comments = 💬 <b>Comments</b> ({ $count })
task-card-comment = <i>{ $at } · { $author }</i>: { $text }
task-move = 🚦 Status
task-reassign = 🙋 Assignee
task-change-priority = ⚡️ Priority
task-change-due = 📅 Due date
task-add-comment = 💬 Comment
task-all-miners = ⛏ All miners ({ $count })
task-back-to-list = ⬅️ Tasks
task-miners-title = <b>#{ $id }</b> · miners: { $count }
task-pick-status = <b>#{ $id } { $summary }</b> · move to which status?
task-pick-assignee = <b>#{ $id } { $summary }</b> · who does it?
task-pick-priority = <b>#{ $id } { $summary }</b> · which priority?
task-ask-due-change = <b>#{ $id }</b> · the new due date: a preset, a day on the calendar, or send a date like 2026-11-20.
task-due-remove = 🗑 No due date
task-unassign = 🚫 Nobody
task-ask-comment = <b>#{ $id } { $summary }</b> · send your comment.
task-ask-comment-again = Send your comment again.
task-comment-added = 💬 Comment added.

task-new-title = 📋 <b>New task</b> · step { $step } of { $steps }
task-for-miner = ⛏ miner #{ $id }
task-ask-manager = Choose the task manager (its board, statuses and form):
task-ask-client = Choose the client the task is for, or create it without a client. To search, send a name, email or ID.
task-without-client = ➖ Without a client
task-ask-attach = Attach the client's miners and assets to the task (optional), then continue.
task-attached = Attached: { $miners ->
        [one] 1 miner
       *[other] { $miners } miners
    }, { $assets ->
        [one] 1 asset
       *[other] { $assets } assets
    }
task-attach-miners = All miners of the client ({ $count })
task-attach-assets = All assets of the client ({ $count })
task-add-asset = ➕ Add an asset
task-continue = Continue ➡️
task-ask-type = Choose the task type:
task-ask-summary = Send a short summary of the task (up to 256 characters).
task-ask-priority = Choose the priority (Medium unless you change it):
task-ask-due = When is it due? Choose a preset, pick a day on the calendar, or send a date like 2026-11-20.
task-due-1w = 1 week
task-due-2w = 2 weeks
task-due-1m = 1 month
task-due-calendar = 📅 Pick on the calendar
task-due-none = ⏭ No due date
task-ask-assignee = Who will do it?
task-assign-me = 🙋 Assign to me
task-assign-later = ⏭ Nobody for now
task-ask-description = Send a description of the task, or skip.
task-ask-extra-text = Send “{ $name }”.
task-ask-extra-number = Send “{ $name }”, a number.
task-ask-extra-date = “{ $name }”: pick a day, or send a date like 2026-11-20.
task-ask-extra-choice = “{ $name }”: choose one.
task-field-required-note = <i>Required.</i>
task-field-optional-note = <i>Optional: you can skip it.</i>
task-form-current = Now: { $value }
task-confirm =
    <b>Check the task and save it</b>
    Task manager: { $manager }
    Client: { $client }
    { $attached }
    Type: { $type }
    Summary: { $summary }
    Priority: { $priority }
    Due: { $due }
    Assignee: { $assignee }
    Description: { $description }
task-confirm-field = { $name }: { $value }
task-save = ✅ Save
task-created = ✅ Task #{ $id } created: { $summary }


task-managers-title = <b>Task managers</b> ({ $count }). 🔒 marks the built-in one.
task-managers-add = ➕ Add task manager
task-manager-card =
    <b>🗂 { $name }</b>
    Task types: { $types }
    Statuses:
    { $statuses }
    Extra fields:
    { $fields }
task-manager-ask-name = <b>New task manager</b>. Send its name (1–64 characters).
task-manager-ask-types = <b>{ $name }</b>: send its task types, one per line or separated by commas (e.g. Install, Uninstall).
task-manager-ask-statuses = Send its statuses in their order, one per line or separated by commas (e.g. To do, In progress, Done).
task-manager-ask-categories = Tap a status to change its category. A task starts in the first status that is not done; at least one status must be done.
task-manager-ask-fields =
    Extra fields of the task form:
    { $fields }
    Add a field, remove one, or continue.
task-manager-add-field-text = ➕ Text
task-manager-add-field-number = ➕ Number
task-manager-add-field-date = ➕ Date
task-manager-add-field-choice = ➕ Choice
task-manager-ask-field-name = Send the name of the new field ({ $kind }).
task-manager-ask-choices = Send the options of “{ $name }”, one per line or separated by commas (at least two).
task-manager-ask-required = Must “{ $name }” be filled in?
task-field-required-yes = Required
task-field-required-no = Optional
task-manager-confirm =
    <b>New task manager: { $name }</b>
    Task types: { $types }
    Statuses:
    { $statuses }
    Extra fields:
    { $fields }
task-manager-added = ✅ Task manager “{ $name }” added.
task-field-kind-text = text
task-field-kind-number = number
task-field-kind-date = date
task-field-kind-choice = choice
task-field-required = required

tasks-client-list = 📋 Tasks ({ $count })
tasks-client-assets = 🗄 Assets
tasks-client-create = 📋 Create task

assets-title = <b>Client #{ $id }</b> · assets: { $count }
assets-none = No assets yet: containers, PDUs, transformers and other equipment that is not a miner.
assets-add = ➕ Add asset
asset-card =
    <b>🗄 { $name }</b>
    Type: { $type }
    Serial number: { $serial }
    Client: { $client }
asset-edit-name = ✏️ Name
asset-edit-type = ✏️ Type
asset-edit-serial = ✏️ Serial
asset-ask-name = Send the asset's name (e.g. Container 3).
asset-ask-type = Choose the asset's type or send your own.
asset-ask-serial = Send its serial number, or skip.
asset-edit-ask-name = Send the asset's new name.
asset-edit-ask-type = Send the asset's new type, e.g. Container or PDU.
asset-edit-ask-serial = { $removable ->
        [yes] Send the new serial number, or remove it.
       *[no] Send the serial number.
    }
asset-type-suggestions = Container, PDU, Transformer, Switch, Cooling, Rack
asset-added = ✅ Asset “{ $name }” added.
asset-remove-serial = 🗑 Remove

notify-task-assigned =
    { $by } assigned you task #{ $id }: { $summary }
    Client: { $client } · due: { $due }
notify-task-due = ⏰ Task #{ $id } is due today ({ $due }): { $summary }
notify-task-comment = 💬 { $by } commented on task #{ $id } { $summary }: { $text }
notify-task-done = ✅ { $by } moved task #{ $id } { $summary } to “{ $status }”: it is done.
notify-task-reassigned = 🙋 { $by } gave task #{ $id } { $summary } to { $to }; it is no longer yours.
notify-task-unassigned = 🙋 { $by } took task #{ $id } { $summary } off you; nobody does it now.

log-task-created = Task created
log-task-status-changed = Task moved
log-task-reassigned = Task reassigned
log-task-priority-changed = Task priority changed
log-task-due-changed = Task due date changed
log-task-commented = Comment added
log-task-manager-created = Task manager added
log-asset-created = Asset added
log-asset-updated = Asset changed
field-task-status = Status
field-task-assignee = Assignee
field-task-priority = Priority
field-task-due = Due date
field-task-comment = Comment
field-asset-name = Name
field-asset-type = Type
field-asset-serial = Serial number

invalid-task-manager-name-length = The name must have { $min }–{ $max } characters.
conflict-task-manager-name-taken = A task manager named “{ $name }” already exists.
invalid-task-types-empty = Send at least one task type.
invalid-task-types-length = A task type has at most { $max } characters.
invalid-task-types-duplicate = “{ $name }” is there twice.
invalid-task-types-too-many = At most { $max } task types.
invalid-task-statuses-empty = Send at least one status.
invalid-task-statuses-length = A status has at most { $max } characters.
invalid-task-statuses-duplicate = “{ $name }” is there twice.
invalid-task-statuses-too-many = At most { $max } statuses.
invalid-task-statuses-category = Unknown status category.
invalid-task-statuses-no-done = At least one status must be in the “done” category.
invalid-task-statuses-no-open = At least one status must be “to do” or “in progress”: tasks start there.
invalid-task-field-name-length = A field name has { $min }–{ $max } characters.
invalid-task-field-name-duplicate = There is already a field named “{ $name }”.
invalid-task-field-kind-unknown = Unknown field kind.
invalid-task-fields-too-many = At most { $max } extra fields.
invalid-task-choices-empty = Send the options.
invalid-task-choices-length = An option has at most { $max } characters.
invalid-task-choices-duplicate = “{ $name }” is there twice.
invalid-task-choices-too-many = At most { $max } options.
invalid-task-choices-too-few = A choice needs at least { $min } options.

invalid-task-summary-empty = The summary cannot be empty.
invalid-task-summary-length = The summary has at most { $max } characters.
invalid-task-description-length = The description has at most { $max } characters.
invalid-task-comment-empty = The comment cannot be empty.
invalid-task-comment-length = A comment has at most { $max } characters.
invalid-task-due-past = The due date cannot be in the past (today is { $today }).
invalid-task-due-format = This is not a date. Send it like 2026-11-20 or 20.11.2026.
invalid-task-extra-date-format = This is not a date. Send it like 2026-11-20 or 20.11.2026.
invalid-task-extra-required = “{ $name }” is required.
invalid-task-extra-number = “{ $name }” must be a number, e.g. 12 or 3.5.
invalid-task-extra-choice = Choose one of the options of “{ $name }”.
invalid-task-extra-length = “{ $name }” has at most { $max } characters.
invalid-task-extra-unknown = This field is not in the task manager's form.
invalid-task-priority-unknown = Unknown priority.
invalid-task-type-unknown = Choose a task type of this task manager.
invalid-task-status-unknown = This status is not on the task's board.
invalid-task-assignee-inactive = This member is not active any more. Choose someone else.
invalid-task-category-unknown = Unknown status filter.
invalid-task-assets-no-client = Miners and assets can be attached to a client's task only.
invalid-task-assets-other-client = These assets belong to another client.
invalid-task-miner-other-client = This miner belongs to another client.
invalid-asset-name-length = The name must have { $min }–{ $max } characters.
invalid-asset-type-length = The type must have { $min }–{ $max } characters.
invalid-asset-serial-length = The serial number must have { $min }–{ $max } characters.
