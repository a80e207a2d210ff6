## Commands, the main menu, shared buttons and errors

command-menu = Main menu
command-cancel = Cancel the current form

menu-title =
    <b>{ $facility }</b>
    { $name } · { $role }

    Choose an area:
menu-clients = 👥 Clients
menu-staff = 🧑‍🔧 Staff
menu-roles = 🛡 Roles
menu-settings = ⚙️ Settings

back = ⬅️ Back
back-menu = 🏠 Menu
cancel = ✖️ Cancel
form-cancelled = Cancelled. Nothing was saved.
nothing-to-cancel = There is nothing to cancel.

stranger-refused = Sorry, this bot serves the staff of a hosting facility only. If you work there, ask an administrator for an invite link.
error-permission = Your role does not allow this. Ask an administrator if you need it.
error-not-found = This no longer exists. Open the list again.
error-invalid = This value cannot be accepted.
error-conflict = This clashes with what is already stored.
error-generic = This could not be done.
error-unexpected = Something went wrong on our side. Please try again; if it happens again, tell an administrator.

language-en = English
language-ru = Русский

open-staff = Open member

button-outdated = This button is outdated. Open the menu again with /menu.
not-understood = I did not understand that. Use the buttons, or /menu to start over.

## The audit log

menu-logs = 📜 Logs
logs-title = <b>Logs</b> · { $category } · { $count }
logs-none = Nothing has been logged here yet.
logs-category-all = All
logs-category-client = Clients
logs-category-miner = Miners
logs-category-task = Tasks
logs-category-general = General
logs-category-admin = Admin
logs-category-security = Security
log-head = <b>{ $at }</b> · { $who }
log-system = FarmDesk
log-change = { $field }: { $old } → { $new }
log-staff-role-changed = Role changed
log-staff-activated = Member reactivated
log-staff-deactivated = Member deactivated
log-staff-language = Language changed
log-staff-owner-from-settings = Owner added from the settings
log-invite-created = Invite created
log-invite-revoked = Invite revoked
log-invite-accepted = Invite accepted
log-role-created = Role created
log-role-permission = Permission switched
log-settings-changed = Facility settings changed
log-access-refused = A stranger was refused
log-value-paid = 🟢 paid
log-value-unpaid = 🔴 unpaid
field-role = Role
field-active = Active
field-locale = Language
field-timezone = Time zone
field-currency = Currency
field-plan = Plan
field-client-management = Client management

## The calendar (task due dates, export periods)

calendar-months = January February March April May June July August September October November December
calendar-weekdays = Mo Tu We Th Fr Sa Su
