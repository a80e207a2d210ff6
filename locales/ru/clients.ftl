## Клиенты

clients-title = <b>Клиенты</b> ({ $count })
clients-search-shown = 🔍 «{ $query }»
clients-mine-shown = 👤 Только мои клиенты
clients-legend = <i>⛏ майнеры: 🟢 работает 🟡 низкий хешрейт 🟠 завис 🔴 офлайн ⚪️ неизвестно · 📋 задачи: к выполнению·в работе·готово · 🧾 счета · 👤 менеджер</i>
clients-entry =
    <b>#{ $id } { $name }</b>{ $same ->
        [yes] {""}
       *[no] {" "}· { $email }
    }
    📞 { $contacts }
    ⛏ { $miners } { $statuses }
    📋 { $tasks } · 🧾 { $bills } · 👤 { $manager }
clients-empty = Клиентов пока нет. Добавьте первого кнопкой «➕ Добавить клиента».
clients-none-found = Ничего не найдено. Попробуйте другое имя, email или ID либо сбросьте поиск.
clients-search-hint = <i>Для поиска пришлите имя, email или ID.</i>
clients-show-mine = 👤 Мои клиенты
clients-show-all = 👥 Все клиенты
clients-sort-by-id = ↕️ Сортировать по ID
clients-sort-by-name = ↕️ Сортировать по имени
clients-clear-search = ✖️ Сбросить поиск
clients-add = ➕ Добавить клиента
clients-closed = Раздел «Клиенты» недоступен. Проверьте:
clients-closed-permission = • У вашей роли нет доступа к клиентам. Обратитесь к администратору.
clients-closed-plan = • Тариф площадки — { $plan }; для клиентов нужен Core, Scale или Enterprise (Настройки → Тариф).
clients-closed-switch = • Управление клиентами выключено (Настройки → Управление клиентами).

client-card =
    <b>#{ $id } { $name }</b>
    Email: { $email }
    Телефон: { $phone }
    Мессенджер: { $messenger }
    Менеджер: { $manager }
    Добавлен: { $added }

    ⛏ Майнеры: { $miners }
    { $statuses }
    📋 Задачи: { $tasks }
    🧾 Счета: { $bills }
client-miners = ⛏ Майнеры ({ $count })
client-edit = ✏️ Изменить
client-logs = 📜 Журнал
client-back-to-list = ⬅️ К списку
client-open = Открыть клиента #{ $id }

status-active = Работает
status-lowhash = Низкий хешрейт
status-hanged = Завис
status-offline = Офлайн
status-unknown = Неизвестно
task-category-todo = к выполнению
task-category-in-progress = в работе
task-category-done = готово

client-miners-title = <b>#{ $id } { $name }</b> · майнеров: { $count }
client-miners-legend = <i>статус · серийный номер (или MAC, IP) · модель, ниже IP или место · 💳🟢 оплачен, 💳🔴 не оплачен</i>
client-miners-none = У этого клиента пока нет майнеров.

client-logs-title = <b>#{ $id } { $name }</b> · журнал
client-logs-none = По этому клиенту пока ничего не записано.
log-client-created = Клиент создан
log-client-updated = Клиент изменён
log-client-manager-changed = Сменён менеджер

field-name = Имя
field-email = Email
field-manager = Менеджер
field-phone = Телефон
field-messenger = Мессенджер

client-add-step = <b>Новый клиент</b> · шаг { $step } из { $steps }
client-ask-name = Пришлите имя клиента.
client-ask-email = Пришлите email клиента. По нему связываются майнеры, импорт и ссылка наблюдателя.
client-ask-email-again = Пришлите другой email.
client-ask-manager = Выберите менеджера, ответственного за клиента.
client-ask-phone = Пришлите телефон в международном формате, например +7 900 123-45-67, или пропустите.
client-ask-messenger = Пришлите контакт в мессенджере, например @telegram_name, или пропустите.
client-manager-me = 🙋 Я
client-add-summary =
    <b>Новый клиент</b>
    Имя: { $name }
    Email: { $email }
    Менеджер: { $manager }
    Телефон: { $phone }
    Мессенджер: { $messenger }
client-add-apply = ✅ Применить
client-added = ✅ Клиент #{ $id } { $name } добавлен.
form-back = ⬅️ Назад
form-skip = ⏭ Пропустить
form-use-buttons = Пожалуйста, воспользуйтесь кнопками выше.

client-edit-pick = <b>#{ $id } { $name }</b> · что изменить?
client-edit-confirm = { $field }: { $old } → <b>{ $new }</b>
client-edit-changed-meanwhile = ⚠️ Пока вы редактировали, клиента изменил кто-то другой. Проверьте текущее значение и примените снова, если изменение всё ещё нужно.
client-edit-apply = ✅ Применить
client-edit-clear = 🗑 Удалить
client-edit-ask-name = Пришлите новое имя клиента.
client-edit-ask-email = Пришлите новый email клиента. По нему связываются майнеры, импорт и ссылка наблюдателя.
client-edit-ask-manager = Выберите нового менеджера клиента.
client-edit-ask-phone = { $removable ->
        [yes] Пришлите новый телефон в международном формате, например +7 900 123-45-67, или удалите номер.
       *[no] Пришлите телефон в международном формате, например +7 900 123-45-67.
    }
client-edit-ask-messenger = { $removable ->
        [yes] Пришлите новый контакт в мессенджере, например @telegram_name, или удалите его.
       *[no] Пришлите контакт в мессенджере, например @telegram_name.
    }

invalid-name-length = В названии должно быть от { $min } до { $max } символов.
invalid-email-format = Это не похоже на адрес электронной почты.
invalid-phone-format = Это не похоже на номер телефона. Используйте международный формат, например +7 900 123-45-67.
invalid-messenger-handle = Имя в Telegram — это @ и 4–32 латинские буквы, цифры или подчёркивания.
invalid-messenger-length = Контакт в мессенджере — от { $min } до { $max } символов.
invalid-manager-inactive = Этот сотрудник больше не активен. Выберите другого менеджера.
conflict-email-taken = Клиент с таким email уже есть: #{ $client_id } { $name }.
conflict-stale = Клиента тем временем изменил кто-то другой. Откройте его заново.

notify-client-manager = { $by } назначил(а) вас менеджером клиента #{ $id } { $client }.
open-client = Открыть клиента
