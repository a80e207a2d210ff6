## Сотрудники, приглашения и роли по умолчанию

role-newbie = Новичок
role-junior-technician = Младший техник
role-senior-technician = Старший техник
role-accountant = Бухгалтер
role-manager = Менеджер
role-administrator = Администратор
role-owner = Владелец

staff-title = <b>Сотрудники</b> ({ $count })
staff-invite = ➕ Пригласить
staff-pending-invites = ✉️ Ожидающие приглашения
staff-card =
    <b>{ $name }</b>
    Telegram: { $username }
    Роль: { $role }
    Статус: { $status }
    С нами с: { $joined }
staff-active = активен
staff-inactive = отключён
staff-change-role = 🛡 Сменить роль
staff-deactivate = ⛔️ Отключить
staff-reactivate = ✅ Включить снова
staff-pick-role = Выберите новую роль для { $name }:
staff-role-changed = { $name } теперь { $role }.
staff-deactivated = { $name } отключён.
staff-reactivated = { $name } снова активен.

invite-pick-role = Какая роль будет у нового сотрудника?
invite-created =
    Приглашение на роль <b>{ $role }</b>. Отправьте эту ссылку человеку; она одноразовая и действует до { $expires }:

    { $link }
invites-title = Ожидающих приглашений: { $count }. Нажмите, чтобы отозвать.
invites-none = Ожидающих приглашений нет.
invite-revoke = ✖️ { $role } · до { $expires }
invite-revoked = Приглашение отозвано.
invite-invalid = Эта ссылка-приглашение недействительна. Попросите у администратора новую.
invite-already-staff = Вы уже сотрудник.
invite-welcome = Добро пожаловать! Ваша роль: { $role }.

notify-invite-accepted = { $name } принял(а) ваше приглашение, роль: { $role }.
notify-role-changed = Ваша роль теперь: { $role }.

invalid-invite-expired = Срок действия приглашения истёк. Попросите у администратора новое.
conflict-invite-used = Это приглашение уже использовано. Попросите у администратора новое.
conflict-already-staff = Вы уже сотрудник.
conflict-self = Нельзя менять свою роль или отключать себя.
conflict-owner-from-settings = Этот владелец задан в настройках бота (OWNER_IDS), его нельзя изменить здесь.
invalid-locale-unknown = Этот язык недоступен.
