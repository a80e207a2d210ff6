## Roles and permission flags

roles-title = <b>Roles</b>, from least to most access. 🔧 marks custom roles.
role-new = ➕ New role
role-card = <b>{ $role }</b> · members: { $members }
role-system-note = A default role cannot be changed. Make a custom role from it to adjust its permissions.
role-pick-template = Choose the role to start from. The new role gets its permissions, which you can then adjust.
role-ask-name = New role based on <b>{ $template }</b>. Send its name (2–32 letters, digits, spaces).
role-ask-name-again = Send another name, or /cancel.
role-created = Role <b>{ $role }</b> created. Tap a permission to switch it on or off.
invalid-role-name-format = A role name has 2–32 letters, digits, spaces, dots or dashes.
conflict-role-name-taken = A role named “{ $name }” already exists.
conflict-system-role = Default roles cannot be changed; make a custom role instead.
invalid-permission-unknown = Unknown permission.

perm-group-clients = Clients
perm-group-bills = Bills
perm-group-watchers = Watcher links
perm-group-miners = Miners
perm-group-tasks = Tasks
perm-group-staff = Staff
perm-group-roles = Roles
perm-group-settings = Settings
perm-group-logs = Logs

perm-clients-view = View clients
perm-clients-add = Add clients
perm-clients-edit = Edit clients
perm-clients-export = Export client data
perm-bills-view = View bills
perm-bills-edit = Edit bills
perm-watchers-manage = Manage watcher links
perm-miners-view = View miners
perm-miners-import = Import miners
perm-miners-edit-client = Change a miner's client
perm-miners-payment-status = Set payment status
perm-tasks-view = View tasks
perm-tasks-create = Create tasks
perm-tasks-edit = Edit tasks
perm-staff-manage = Manage staff
perm-roles-manage = Manage roles
perm-settings-manage = Manage settings
perm-logs-view = View logs
