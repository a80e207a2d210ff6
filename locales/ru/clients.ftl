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

## Объединение, архив, восстановление, удаление

client-merge = 🔀 Объединить с…
client-archive = 🗄 В архив…
client-merge-title = <b>Объединить #{ $id } { $name } с другим клиентом</b>
client-merge-ask = Пришлите имя, email или #ID клиента, в которого он вольётся.
client-merge-pick = Выберите клиента:
client-merge-none = Других активных клиентов с таким запросом нет. Попробуйте другое имя, email или ID.
client-merge-confirm = <b>Влить { $source } в { $target }?</b>
client-merge-moves = Из #{ $source } в #{ $target } переходят:
client-merge-miners = ⛏ Майнеры: { $count }
client-merge-tasks = 📋 Задачи: { $count }
client-merge-assets = 🗄 Оборудование: { $count }
client-merge-bills = 🧾 Счета: { $count }
client-merge-payments = 💳 Платежи по этим счетам: { $count }
client-merge-alerts = 🚨 Оповещения (открытые и прошлые): { $count }
client-merge-followers = 🔔 Сотрудники, следящие за его оповещениями: { $count }
client-merge-pricing = 💲 У #{ $target } остаются его цены и язык счетов.
client-merge-own-rates = Собственные цены #{ $source } (перенесите вручную, если они нужны #{ $target }):
client-merge-no-own-rates = Собственных цен у #{ $source } нет (действуют цены площадки).
client-merge-aliases = ✉️ { $emails } будет означать #{ $target }: импорт или «Сменить клиента» с этим адресом попадёт к #{ $target }.
client-merge-archive = Затем #{ $source } уходит в архив с пометкой «объединён с #{ $target }»; объединение записывается в журналы обоих, журнал #{ $source } виден из журнала #{ $target }. Отменить объединение нельзя.
client-merge-apply = 🔀 Объединить
client-merge-link-revoked = 👁 Ссылка наблюдателя #{ $source } сразу перестанет работать.
client-merge-link-kept = 👁 Ссылка наблюдателя #{ $target } сохраняется.
client-merge-changed = ⚠️ Пока экран был открыт, что-то изменилось. Вот что объединение перенесёт сейчас.
client-merge-done-short = Объединено
client-merge-done = ✅ { $source } объединён с { $target }. Перенесено: ⛏ майнеры { $miners } · 📋 задачи { $tasks } · 🗄 оборудование { $assets } · 🧾 счета { $bills }.
client-merged-note = 🔀 Объединён с клиентом #{ $into } ({ $at }). Его майнеры, задачи, оборудование и счета теперь там.
client-archived-note = 🗄 В архиве с { $at }. Его нет в обзоре, поиске и списках выбора; данные, счета и журнал сохранены.
client-restore = ♻️ Восстановить
client-restored = Восстановлен
client-archived = В архиве

client-archive-title = <b>В архив: #{ $id } { $name }</b>
client-archive-has-miners = ⛏ У него ещё { $count ->
        [one] { $count } майнер
        [few] { $count } майнера
       *[other] { $count } майнеров
    }. Сначала передайте майнеры другому клиенту («Майнеры» → «Сменить клиента»), потом отправьте клиента в архив.
client-archive-has-bills = 🧾 Неоплаченных счетов: { $count }
client-archive-bill = • #{ $id } · { $period } · к оплате { $owed }
client-archive-what = В архиве клиент пропадает из обзора, поиска и списков выбора, его ссылка наблюдателя сразу перестаёт работать. Данные, счета и журнал сохраняются, выгрузки могут его включать, а восстановить его можно из списка «🗄 Архив».
client-archive-deletable = Кроме создания, у него ничего нет: если он добавлен по ошибке, его можно удалить.
client-archive-apply = 🗄 В архив
client-archive-move-miners = ⛏ Передать майнеры другому клиенту
client-archive-open-bill = 🧾 Счёт #{ $id } · { $period }
client-delete = 🗑 Удалить навсегда
client-delete-confirm = Удалить клиента #{ $id } { $name } навсегда? У него нет майнеров, задач, счетов и истории; удаление запишется в общий журнал.
client-delete-apply = 🗑 Удалить
client-deleted = Клиент #{ $id } { $name } удалён

clients-show-archived = 🗄 Архив
clients-show-active = 👥 Активные клиенты
clients-archived-title = <b>🗄 Архив клиентов</b> ({ $count })
clients-archived-empty = В архиве клиентов нет.

log-client-merged-into = Объединён с другим клиентом
log-client-merged = С этим клиентом объединён другой
log-client-archived = Клиент отправлен в архив
log-client-restored = Клиент восстановлен
log-client-deleted = Клиент удалён
log-detail-alias = Email стал другим адресом клиента
field-client-tasks = Задачи
field-client-assets = Оборудование
field-client-bills = Счета
field-client-payments = Платежи
field-client-alerts = Оповещения
field-client-followers = Следят за оповещениями

conflict-client-archived = Клиент #{ NUMBER($client_id, useGrouping: 0) } { $name } в архиве. Сначала восстановите его из списка «🗄 Архив».
conflict-client-merged = Клиент #{ NUMBER($client_id, useGrouping: 0) } { $name } объединён с #{ NUMBER($into, useGrouping: 0) }; используйте того клиента.
conflict-client-not-archived = Клиент #{ NUMBER($client_id, useGrouping: 0) } { $name } не в архиве.
conflict-client-has-history = У клиента #{ NUMBER($client_id, useGrouping: 0) } { $name } уже есть история: его можно отправить в архив, но не удалить.
conflict-email-alias = Этот email теперь означает клиента #{ NUMBER($client_id, useGrouping: 0) } { $name } (email объединённого клиента).
conflict-email-taken-archived = Этот email у клиента в архиве: #{ NUMBER($client_id, useGrouping: 0) } { $name }. Восстановите его вместо повторного добавления.
conflict-merge-self = Клиента нельзя объединить с самим собой.
conflict-merge-into-archived = Клиент #{ NUMBER($client_id, useGrouping: 0) } { $name } в архиве; объединяйте с активным клиентом.
conflict-merge-bill-run = Сейчас выставляются счета за { $period }. Объедините клиентов, когда это закончится (несколько минут).
conflict-merge-export = Сейчас готовится выгрузка #{ NUMBER($job, useGrouping: 0) } с данными этих клиентов. Объедините, когда она будет готова.
conflict-merge-changed = Пока вы смотрели, что-то изменилось; проверьте объединение ещё раз.
conflict-archive-blocked = У клиента ещё есть майнеры или неоплаченные счета.
