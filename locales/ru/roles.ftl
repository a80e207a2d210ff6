## Роли и права

roles-title = <b>Роли</b>, от меньших прав к большим. 🔧 — свои роли.
role-new = ➕ Новая роль
role-card = <b>{ $role }</b> · сотрудников: { $members }
role-system-note = Роль по умолчанию менять нельзя. Создайте на её основе свою роль, чтобы настроить права.
role-pick-template = Выберите роль-образец. Новая роль получит её права, потом их можно изменить.
role-ask-name = Новая роль на основе <b>{ $template }</b>. Пришлите её название (2–32 буквы, цифры, пробелы).
role-ask-name-again = Пришлите другое название или /cancel.
role-created = Роль <b>{ $role }</b> создана. Нажимайте на права, чтобы включить или выключить их.
invalid-role-name-format = Название роли — 2–32 буквы, цифры, пробелы, точки или дефисы.
conflict-role-name-taken = Роль «{ $name }» уже есть.
conflict-system-role = Роли по умолчанию менять нельзя; создайте свою роль.
invalid-permission-unknown = Неизвестное право.

perm-group-clients = Клиенты
perm-group-bills = Счета
perm-group-watchers = Ссылки наблюдателя
perm-group-miners = Майнеры
perm-group-tasks = Задачи
perm-group-staff = Сотрудники
perm-group-roles = Роли
perm-group-settings = Настройки
perm-group-logs = Журналы

perm-clients-view = Просмотр клиентов
perm-clients-add = Добавление клиентов
perm-clients-edit = Изменение клиентов
perm-clients-export = Выгрузка данных клиентов
perm-bills-view = Просмотр счетов
perm-bills-edit = Изменение счетов
perm-watchers-manage = Ссылки наблюдателя
perm-miners-view = Просмотр майнеров
perm-miners-import = Импорт майнеров
perm-miners-edit-client = Смена клиента майнера
perm-miners-payment-status = Статус оплаты
perm-tasks-view = Просмотр задач
perm-tasks-create = Создание задач
perm-tasks-edit = Изменение задач
perm-staff-manage = Управление сотрудниками
perm-roles-manage = Управление ролями
perm-settings-manage = Управление настройками
perm-logs-view = Просмотр журналов
