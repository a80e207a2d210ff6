## Команды, главное меню, общие кнопки и ошибки

command-menu = Главное меню
command-cancel = Отменить текущую форму

menu-title =
    <b>{ $facility }</b>
    { $name } · { $role }

    Выберите раздел:
menu-clients = 👥 Клиенты
menu-staff = 🧑‍🔧 Сотрудники
menu-roles = 🛡 Роли
menu-settings = ⚙️ Настройки

back = ⬅️ Назад
back-menu = 🏠 Меню
cancel = ✖️ Отмена
form-cancelled = Отменено. Ничего не сохранено.
nothing-to-cancel = Отменять нечего.

stranger-refused = Извините, этот бот работает только для сотрудников хостинга. Если вы здесь работаете, попросите у администратора ссылку-приглашение.
error-permission = Ваша роль не позволяет это сделать. Обратитесь к администратору, если это нужно.
error-not-found = Этого уже нет. Откройте список заново.
error-invalid = Это значение нельзя принять.
error-conflict = Это противоречит уже сохранённым данным.
error-generic = Не удалось выполнить действие.
error-unexpected = У нас что-то пошло не так. Попробуйте ещё раз; если повторится, сообщите администратору.

language-en = English
language-ru = Русский

open-staff = Открыть сотрудника

button-outdated = Эта кнопка устарела. Откройте меню заново: /menu.
not-understood = Не понял. Пользуйтесь кнопками или начните заново: /menu.

## Журнал

menu-logs = 📜 Журнал
logs-title = <b>Журнал</b> · { $category } · { $count }
logs-none = Здесь пока ничего не записано.
logs-category-all = Всё
logs-category-client = Клиенты
logs-category-miner = Майнеры
logs-category-task = Задачи
logs-category-general = Общее
logs-category-admin = Администрирование
logs-category-security = Безопасность
log-head = <b>{ $at }</b> · { $who }
log-system = FarmDesk
log-change = { $field }: { $old } → { $new }
log-staff-role-changed = Роль изменена
log-staff-activated = Сотрудник снова активен
log-staff-deactivated = Сотрудник отключён
log-staff-language = Язык изменён
log-staff-owner-from-settings = Владелец добавлен из настроек
log-invite-created = Приглашение создано
log-invite-revoked = Приглашение отозвано
log-invite-accepted = Приглашение принято
log-role-created = Роль создана
log-role-permission = Право переключено
log-settings-changed = Настройки площадки изменены
log-access-refused = Отказано постороннему
log-value-paid = 🟢 оплачен
log-value-unpaid = 🔴 не оплачен
field-role = Роль
field-active = Активен
field-locale = Язык
field-timezone = Часовой пояс
field-currency = Валюта
field-plan = Тариф
field-client-management = Управление клиентами

## The calendar (task due dates, export periods)

calendar-months = Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь
calendar-weekdays = Пн Вт Ср Чт Пт Сб Вс
