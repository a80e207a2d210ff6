## Staff, invites and default roles

role-newbie = Newbie
role-junior-technician = Junior technician
role-senior-technician = Senior technician
role-accountant = Accountant
role-manager = Manager
role-administrator = Administrator
role-owner = Owner

staff-title = <b>Staff</b> ({ $count })
staff-invite = ➕ Invite
staff-pending-invites = ✉️ Pending invites
staff-card =
    <b>{ $name }</b>
    Telegram: { $username }
    Role: { $role }
    Status: { $status }
    Joined: { $joined }
staff-active = active
staff-inactive = deactivated
staff-change-role = 🛡 Change role
staff-deactivate = ⛔️ Deactivate
staff-reactivate = ✅ Reactivate
staff-pick-role = Choose the new role for { $name }:
staff-role-changed = { $name } is now { $role }.
staff-deactivated = { $name } is deactivated.
staff-reactivated = { $name } is active again.

invite-pick-role = Which role will the new member have?
invite-created =
    Invite for the role <b>{ $role }</b>. Send this link to the person; it works once, until { $expires }:

    { $link }
invites-title = Pending invites: { $count }. Tap one to revoke it.
invites-none = No pending invites.
invite-revoke = ✖️ { $role } · until { $expires }
invite-revoked = The invite is revoked.
invite-invalid = This invite link is not valid. Ask an administrator for a new one.
invite-already-staff = You are already a member of the staff.
invite-welcome = Welcome! You joined as { $role }.

notify-invite-accepted = { $name } accepted your invite and joined as { $role }.
notify-role-changed = Your role is now { $role }.

invalid-invite-expired = This invite link has expired. Ask an administrator for a new one.
conflict-invite-used = This invite link was already used. Ask an administrator for a new one.
conflict-already-staff = You are already a member of the staff.
conflict-self = You cannot change your own role or deactivate yourself.
conflict-owner-from-settings = This Owner is set in the bot's settings (OWNER_IDS) and cannot be changed here.
invalid-locale-unknown = This language is not available.
