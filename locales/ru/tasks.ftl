## Задачи: список, карточка, новая задача, таск-менеджеры, оборудование

menu-tasks = 📋 Задачи
open-task = Открыть задачу

tasks-title = <b>📋 Задачи</b> ({ $count })
tasks-title-mine = <b>📋 Мои задачи</b> ({ $count })
tasks-filters-shown = Фильтры: { $filters }
tasks-entry =
    <b>#{ $id }</b> { $summary }{ $overdue }
    { $status } · { $priority } · 📅 { $due }
    👤 { $assignee } · 🏢 { $client }
tasks-empty = Задач пока нет. Создайте первую кнопкой «➕ Создать задачу» или из карточки клиента.
tasks-none-found = Под эти фильтры задач нет.
tasks-show-mine = 👤 Мои задачи
tasks-show-all = 👥 Все задачи
tasks-filter-manager = 🗂 Таск-менеджер
tasks-filter-client = 🏢 Клиент
tasks-filter-status = 🚦 Статус
tasks-filter-assignee = 🙋 Исполнитель
tasks-clear-filters = ✖️ Сбросить фильтры
tasks-create = ➕ Создать задачу
tasks-managers = ⚙️ Таск-менеджеры
tasks-open-client = 🏢 Открыть клиента #{ $id }
tasks-me = 🙋 Я
tasks-pick-manager = Задачи какого таск-менеджера показать?
tasks-pick-client = Задачи какого клиента показать? В списке только клиенты, у которых есть задачи.
tasks-pick-status = Задачи в каком статусе показать?
tasks-pick-assignee = Чьи задачи показать?
tasks-filter-all-managers = Все таск-менеджеры
tasks-filter-all-clients = Все клиенты
tasks-filter-any-status = Любой статус
tasks-filter-anyone = Все исполнители
tasks-filter-category-open = Невыполненные
tasks-filter-category-todo = К выполнению
tasks-filter-category-in-progress = В работе
tasks-filter-category-done = Готово

task-nobody = не назначен
task-no-due = без срока
task-overdue-mark = {" "}⏰ просрочена
task-priority-low = Низкий
task-priority-medium = Средний
task-priority-high = Высокий
task-priority-critical = Критический

task-card =
    <b>#{ $id } { $summary }</b>
    🗂 { $manager } · { $type }
    Статус: { $status }
    Приоритет: { $priority }
    Срок: { $due }
    Исполнитель: { $assignee }
    Автор: { $reporter }
    Клиент: { $client }
    Создана: { $created }
task-card-overdue = ⏰ <b>Просрочена</b>
task-card-description = 📝 { $text }
task-card-miners = ⛏ <b>Майнеры</b> ({ $count })
task-card-assets = 🗄 <b>Оборудование</b> ({ $count })
task-card-more = … и ещё { $count }
task-card-comments = 💬 <b>Комментарии</b> ({ $count })
task-card-comment = <i>{ $at } · { $author }</i>: { $text }
task-move = 🚦 Статус
task-reassign = 🙋 Исполнитель
task-change-priority = ⚡️ Приоритет
task-change-due = 📅 Срок
task-add-comment = 💬 Комментарий
task-all-miners = ⛏ Все майнеры ({ $count })
task-back-to-list = ⬅️ К задачам
task-miners-title = <b>#{ $id }</b> · майнеров: { $count }
task-pick-status = <b>#{ $id } { $summary }</b> · в какой статус перевести?
task-pick-assignee = <b>#{ $id } { $summary }</b> · кто будет выполнять?
task-pick-priority = <b>#{ $id } { $summary }</b> · какой приоритет?
task-ask-due-change = <b>#{ $id }</b> · новый срок: выберите вариант, день в календаре или пришлите дату, например 2026-11-20.
task-due-remove = 🗑 Без срока
task-unassign = 🚫 Никто
task-ask-comment = <b>#{ $id } { $summary }</b> · пришлите комментарий.
task-ask-comment-again = Пришлите комментарий ещё раз.
task-comment-added = 💬 Комментарий добавлен.

task-new-title = 📋 <b>Новая задача</b> · шаг { $step } из { $steps }
task-for-miner = ⛏ майнер #{ $id }
task-ask-manager = Выберите таск-менеджер (его доску, статусы и форму):
task-ask-client = Выберите клиента, для которого задача, или создайте её без клиента. Для поиска пришлите имя, email или ID.
task-without-client = ➖ Без клиента
task-ask-attach = При желании прикрепите к задаче майнеры и оборудование клиента, затем продолжите.
task-attached = Прикреплено: { $miners ->
        [one] { $miners } майнер
        [few] { $miners } майнера
       *[many] { $miners } майнеров
    }, { $assets ->
        [one] { $assets } единица оборудования
        [few] { $assets } единицы оборудования
       *[many] { $assets } единиц оборудования
    }
task-attach-miners = Все майнеры клиента ({ $count })
task-attach-assets = Всё оборудование клиента ({ $count })
task-add-asset = ➕ Добавить оборудование
task-continue = Далее ➡️
task-ask-type = Выберите тип задачи:
task-ask-summary = Пришлите краткое описание задачи (до 256 символов).
task-ask-priority = Выберите приоритет (по умолчанию — средний):
task-ask-due = Какой срок? Выберите вариант, день в календаре или пришлите дату, например 2026-11-20.
task-due-1w = 1 неделя
task-due-2w = 2 недели
task-due-1m = 1 месяц
task-due-calendar = 📅 Выбрать в календаре
task-due-none = ⏭ Без срока
task-ask-assignee = Кто будет выполнять?
task-assign-me = 🙋 Назначить на себя
task-assign-later = ⏭ Пока никто
task-ask-description = Пришлите подробное описание задачи или пропустите.
task-ask-extra-text = Пришлите «{ $name }».
task-ask-extra-number = Пришлите «{ $name }» — число.
task-ask-extra-date = «{ $name }»: выберите день или пришлите дату, например 2026-11-20.
task-ask-extra-choice = «{ $name }»: выберите вариант.
task-field-required-note = <i>Обязательное поле.</i>
task-field-optional-note = <i>Необязательное поле: можно пропустить.</i>
task-form-current = Сейчас: { $value }
task-confirm =
    <b>Проверьте задачу и сохраните её</b>
    Таск-менеджер: { $manager }
    Клиент: { $client }
    { $attached }
    Тип: { $type }
    Описание: { $summary }
    Приоритет: { $priority }
    Срок: { $due }
    Исполнитель: { $assignee }
    Подробности: { $description }
task-confirm-field = { $name }: { $value }
task-save = ✅ Сохранить
task-created = ✅ Задача #{ $id } создана: { $summary }


task-managers-title = <b>Таск-менеджеры</b> ({ $count }). 🔒 — встроенный.
task-managers-add = ➕ Добавить таск-менеджер
task-manager-card =
    <b>🗂 { $name }</b>
    Типы задач: { $types }
    Статусы:
    { $statuses }
    Дополнительные поля:
    { $fields }
task-manager-ask-name = <b>Новый таск-менеджер</b>. Пришлите его название (от 1 до 64 символов).
task-manager-ask-types = <b>{ $name }</b>: пришлите типы задач — по одному в строке или через запятую (например: Монтаж, Демонтаж).
task-manager-ask-statuses = Пришлите статусы по порядку — по одному в строке или через запятую (например: К выполнению, В работе, Готово).
task-manager-ask-categories = Нажмите на статус, чтобы сменить его категорию. Задача начинается с первого невыполненного статуса; хотя бы один статус должен означать «готово».
task-manager-ask-fields =
    Дополнительные поля формы задачи:
    { $fields }
    Добавьте поле, удалите лишнее или продолжите.
task-manager-add-field-text = ➕ Текст
task-manager-add-field-number = ➕ Число
task-manager-add-field-date = ➕ Дата
task-manager-add-field-choice = ➕ Выбор
task-manager-ask-field-name = Пришлите название нового поля ({ $kind }).
task-manager-ask-choices = Пришлите варианты для «{ $name }» — по одному в строке или через запятую (не меньше двух).
task-manager-ask-required = Поле «{ $name }» обязательно заполнять?
task-field-required-yes = Обязательное
task-field-required-no = Необязательное
task-manager-confirm =
    <b>Новый таск-менеджер: { $name }</b>
    Типы задач: { $types }
    Статусы:
    { $statuses }
    Дополнительные поля:
    { $fields }
task-manager-added = ✅ Таск-менеджер «{ $name }» добавлен.
task-field-kind-text = текст
task-field-kind-number = число
task-field-kind-date = дата
task-field-kind-choice = выбор
task-field-required = обязательное

tasks-client-list = 📋 Задачи ({ $count })
tasks-client-assets = 🗄 Оборудование
tasks-client-create = 📋 Создать задачу

assets-title = <b>Клиент #{ $id }</b> · оборудование: { $count }
assets-none = Оборудования пока нет: контейнеров, PDU, трансформаторов и всего, что не является майнером.
assets-add = ➕ Добавить оборудование
asset-card =
    <b>🗄 { $name }</b>
    Тип: { $type }
    Серийный номер: { $serial }
    Клиент: { $client }
asset-edit-name = ✏️ Название
asset-edit-type = ✏️ Тип
asset-edit-serial = ✏️ Серийный номер
asset-ask-name = Пришлите название оборудования (например, Контейнер 3).
asset-ask-type = Выберите тип оборудования или пришлите свой.
asset-ask-serial = Пришлите серийный номер или пропустите.
asset-edit-ask-name = Пришлите новое название оборудования.
asset-edit-ask-type = Пришлите новый тип оборудования, например Контейнер или PDU.
asset-edit-ask-serial = { $removable ->
        [yes] Пришлите новый серийный номер или удалите его.
       *[no] Пришлите серийный номер.
    }
asset-type-suggestions = Контейнер, PDU, Трансформатор, Коммутатор, Охлаждение, Стойка
asset-added = ✅ Оборудование «{ $name }» добавлено.
asset-remove-serial = 🗑 Удалить

notify-task-assigned =
    { $by } назначил(а) вам задачу #{ $id }: { $summary }
    Клиент: { $client } · срок: { $due }
notify-task-due = ⏰ Сегодня ({ $due }) срок задачи #{ $id }: { $summary }
notify-task-comment = 💬 { $by } прокомментировал(а) задачу #{ $id } { $summary }: { $text }
notify-task-done = ✅ { $by } перевёл(а) задачу #{ $id } { $summary } в статус «{ $status }»: она выполнена.
notify-task-reassigned = 🙋 { $by } передал(а) задачу #{ $id } { $summary } сотруднику { $to }; она больше не ваша.
notify-task-unassigned = 🙋 { $by } снял(а) с вас задачу #{ $id } { $summary }; исполнителя у неё сейчас нет.

log-task-created = Задача создана
log-task-status-changed = Задача переведена в другой статус
log-task-reassigned = Сменён исполнитель задачи
log-task-priority-changed = Изменён приоритет задачи
log-task-due-changed = Изменён срок задачи
log-task-commented = Комментарий к задаче
log-task-manager-created = Добавлен таск-менеджер
log-asset-created = Добавлено оборудование
log-asset-updated = Изменено оборудование
field-task-status = Статус
field-task-assignee = Исполнитель
field-task-priority = Приоритет
field-task-due = Срок
field-task-comment = Комментарий
field-asset-name = Название
field-asset-type = Тип
field-asset-serial = Серийный номер

invalid-task-manager-name-length = В названии должно быть от { $min } до { $max } символов.
conflict-task-manager-name-taken = Таск-менеджер «{ $name }» уже есть.
invalid-task-types-empty = Пришлите хотя бы один тип задачи.
invalid-task-types-length = Тип задачи — не длиннее { $max } символов.
invalid-task-types-duplicate = «{ $name }» указан дважды.
invalid-task-types-too-many = Не больше { $max } типов задач.
invalid-task-statuses-empty = Пришлите хотя бы один статус.
invalid-task-statuses-length = Статус — не длиннее { $max } символов.
invalid-task-statuses-duplicate = «{ $name }» указан дважды.
invalid-task-statuses-too-many = Не больше { $max } статусов.
invalid-task-statuses-category = Неизвестная категория статуса.
invalid-task-statuses-no-done = Хотя бы один статус должен быть в категории «готово».
invalid-task-statuses-no-open = Хотя бы один статус должен быть «к выполнению» или «в работе»: с него начинаются задачи.
invalid-task-field-name-length = В названии поля должно быть от { $min } до { $max } символов.
invalid-task-field-name-duplicate = Поле «{ $name }» уже есть.
invalid-task-field-kind-unknown = Неизвестный вид поля.
invalid-task-fields-too-many = Не больше { $max } дополнительных полей.
invalid-task-choices-empty = Пришлите варианты.
invalid-task-choices-length = Вариант — не длиннее { $max } символов.
invalid-task-choices-duplicate = «{ $name }» указан дважды.
invalid-task-choices-too-many = Не больше { $max } вариантов.
invalid-task-choices-too-few = Для выбора нужно не меньше { $min } вариантов.

invalid-task-summary-empty = Описание задачи не может быть пустым.
invalid-task-summary-length = Описание задачи — не длиннее { $max } символов.
invalid-task-description-length = Подробное описание — не длиннее { $max } символов.
invalid-task-comment-empty = Комментарий не может быть пустым.
invalid-task-comment-length = Комментарий — не длиннее { $max } символов.
invalid-task-due-past = Срок не может быть в прошлом (сегодня { $today }).
invalid-task-due-format = Это не дата. Пришлите её так: 2026-11-20 или 20.11.2026.
invalid-task-extra-date-format = Это не дата. Пришлите её так: 2026-11-20 или 20.11.2026.
invalid-task-extra-required = Поле «{ $name }» обязательное.
invalid-task-extra-number = В поле «{ $name }» нужно число, например 12 или 3,5.
invalid-task-extra-choice = Выберите один из вариантов поля «{ $name }».
invalid-task-extra-length = Поле «{ $name }» — не длиннее { $max } символов.
invalid-task-extra-unknown = Такого поля нет в форме этого таск-менеджера.
invalid-task-priority-unknown = Неизвестный приоритет.
invalid-task-type-unknown = Выберите тип задачи из этого таск-менеджера.
invalid-task-status-unknown = Такого статуса нет на доске этой задачи.
invalid-task-assignee-inactive = Этот сотрудник больше не активен. Выберите другого.
invalid-task-category-unknown = Неизвестный фильтр по статусу.
invalid-task-assets-no-client = Майнеры и оборудование можно прикрепить только к задаче клиента.
invalid-task-assets-other-client = Это оборудование принадлежит другому клиенту.
invalid-task-miner-other-client = Этот майнер принадлежит другому клиенту.
invalid-asset-name-length = В названии должно быть от { $min } до { $max } символов.
invalid-asset-type-length = В типе должно быть от { $min } до { $max } символов.
invalid-asset-serial-length = В серийном номере должно быть от { $min } до { $max } символов.
