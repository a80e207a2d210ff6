## Майнеры: список, фильтры, выбор, массовые действия, импорт

menu-miners = ⛏ Майнеры
client-miners-area = 🛠 Выбрать в «Майнерах»

miners-title = <b>⛏ Майнеры</b> ({ $count })
miners-empty = Майнеров пока нет. Загрузите их из таблицы кнопкой «📥 Импорт».
miners-none-found = Ни один майнер не подходит. Измените фильтры или сбросьте их.
miners-search-hint = <i>Для поиска пришлите IP, серийный номер, MAC или воркер.</i>
miners-open-hint = <i>🔎 n открывает карточку майнера.</i>
miners-tick-hint = <i>⬜ n отмечает майнер; 🛠 Действия → 🔎 Открывать майнеры из списка — чтобы вернуться.</i>
miners-mode-tick = ☑️ Отмечать майнеры в списке
miners-mode-open = 🔎 Открывать майнеры из списка
miners-legend = <i>статус · серийный номер (или MAC, IP) · модель, ниже IP или место · 👤 клиент · 💳🟢 оплачен, 💳🔴 не оплачен</i>
miners-selected = ☑️ Выбрано: { $count }
miners-no-client = без клиента
miners-client-label = #{ $id } { $name } ({ $email })
miners-client-label-email = #{ $id } { $email }
miners-filter-client = 👤 Клиент: { $client }
miners-filter-status = Статус: { $icon } { $status }
miners-filter-paid = 💳🟢 Только оплаченные
miners-filter-unpaid = 💳🔴 Только неоплаченные
miners-filter-search = 🔍 «{ $query }»

miners-by-client-button = 👤 Клиент
miners-status-button = 🚦 Статус
miners-paid-any = 💳 Оплата: все
miners-paid-only = 💳 Оплачены { $icon }
miners-unpaid-only = 💳 Не оплачены { $icon }
miners-clear-filters = ✖️ Сбросить фильтры
miners-select-all = ☑️ Выбрать все ({ $count })
miners-paste = 📋 Выбрать по списку
miners-actions = 🛠 Действия ({ $count })
miners-actions-open = 🛠 Действия
miners-selection-changed = ⚠️ Выбор изменился с тех пор, как было отправлено то сообщение: { $count ->
        [0] сейчас ничего не выбрано.
        [one] сейчас выбран { $count } майнер.
        [few] сейчас выбрано { $count } майнера.
       *[many] сейчас выбрано { $count } майнеров.
    }
miners-selection-kept = ☑️ { $count ->
        [1] Майнер остаётся выбранным,
        [one] { $count } майнер остаётся выбранным,
        [few] { $count } майнера остаются выбранными,
       *[many] { $count } майнеров остаются выбранными,
    } пока вы не снимете выбор в «🛠 Действиях».
miners-clear-selection = ✖️ Снять выбор
miners-import = 📥 Импорт
miners-back-to-list = ⬅️ К списку
miners-open-list = ⛏ Майнеры

miners-status-ask = Майнеры в каком статусе показать?
miners-status-any = Все статусы
miners-client-ask = Пришлите email клиента, его ID (например, #12) или часть имени.
miners-client-not-found = Клиент не найден. Пришлите другой email, ID или имя.
miners-client-choose = Подходят несколько клиентов. Выберите одного:
miners-client-none = 🚫 Без клиента
miners-client-any = 👥 Любой клиент

## Выбор и массовые действия

miners-paste-ask =
    Пришлите IP, серийные номера или MAC — по одному в строке или через запятую — либо файл (.txt, .csv или таблицу) с ними.
    Найденные майнеры станут выбранными.
miners-paste-again = Пришлите список ещё раз или другой файл.
miners-paste-found = { $count ->
        [one] Найден { $count } майнер
        [few] Найдено { $count } майнера
       *[many] Найдено { $count } майнеров
    } по { $tokens ->
        [one] { $tokens } идентификатору
       *[other] { $tokens } идентификаторам
    }.
miners-paste-missing = Не найдены ({ $count }): { $items }
miners-paste-missing-more = …и ещё { $count }.
miners-actions-title = <b>Выбрано майнеров: { $count }</b>
miners-selection-empty = Ничего не выбрано. Отметьте майнеры в списке, выберите всё, что показывают фильтры, или пришлите список.
miners-by-client = По клиентам:
miners-share = • { $client }: { $count }
miners-share-paid = • { $client }: { $count } (🟢 { $paid } · 🔴 { $unpaid })
miners-share-more = • …ещё { $clients ->
        [one] { $clients } клиент
        [few] { $clients } клиента
       *[many] { $clients } клиентов
    }: { $count }
miners-edit-client = 👤 Сменить клиента
miners-set-payment = 💳 Статус оплаты
miners-confirm = ✅ Подтвердить
miners-form-over = Этот шаг уже завершён. Вот выбор в его нынешнем виде.

miners-move-ask = Пришлите email клиента, которому { $count ->
        [1] передать выбранный майнер
       *[other] передать выбранные майнеры ({ $count })
    }, или нажмите «Без клиента».
miners-move-ask-again = Пришлите email клиента ещё раз.
miners-move-to-none = 🚫 Без клиента
miners-move-unknown = Клиента с email { $email } нет. Сначала добавить его? Его имя будет равно email, пока кто-нибудь его не изменит, а менеджером станете вы.
miners-move-unknown-cannot-add = Клиента с email { $email } нет, а ваша роль не позволяет добавлять клиентов. Попросите менеджера добавить клиента или пришлите другой email.
miners-add-client = ➕ Добавить клиента { $email }
miners-client-added = Клиент { $email } добавлен.
miners-move-confirm = <b>Передать { $count ->
        [one] { $count } майнер
        [few] { $count } майнера
       *[many] { $count } майнеров
    } клиенту { $client }?</b>
miners-move-from = От кого:
miners-move-staying = Уже у клиента { $client }, останутся как есть: { $count }
miners-move-nothing = { $count ->
        [1] Выбранный майнер уже у клиента { $client }. Менять нечего.
       *[other] Все выбранные майнеры ({ $count }) уже у клиента { $client }. Менять нечего.
    }
miners-moved = ✅ { $count ->
        [one] { $count } майнер передан
        [few] { $count } майнера переданы
       *[many] { $count } майнеров переданы
    } клиенту { $client }.

miners-unassign-confirm = <b>Отвязать { $count ->
        [1] майнер от клиента?</b> Он останется без клиента.
        [one] { $count } майнер от клиентов?</b> Они останутся без клиента.
        [few] { $count } майнера от клиентов?</b> Они останутся без клиента.
       *[many] { $count } майнеров от клиентов?</b> Они останутся без клиента.
    }
miners-unassign-staying = Уже без клиента, не изменятся: { $count }
miners-unassign-nothing = { $count ->
        [1] У выбранного майнера нет клиента. Менять нечего.
       *[other] Ни у одного из выбранных майнеров ({ $count }) нет клиента. Менять нечего.
    }
miners-unassigned = ✅ { $count ->
        [one] { $count } майнер теперь без клиента
        [few] { $count } майнера теперь без клиента
       *[many] { $count } майнеров теперь без клиента
    }.

miners-set-status = 🚦 Сменить статус
miners-status-set-ask = Статус { $count ->
        [1] выбранного майнера
       *[other] выбранных майнеров ({ $count })
    } задаётся вручную (если телеметрия включена, опрашиваемый майнер через два опроса получит статус по своим данным):
miners-status-confirm = <b>Поставить { $count ->
        [one] { $count } майнеру
       *[other] { $count } майнерам
    } статус «{ $icon } { $status }»?</b>
miners-status-nothing = { $count ->
        [1] У выбранного майнера уже статус «{ $icon } { $status }». Менять нечего.
       *[other] У всех выбранных майнеров ({ $count }) уже статус «{ $icon } { $status }». Менять нечего.
    }
miners-status-done = ✅ { $count ->
        [one] { $count } майнеру поставлен
       *[other] { $count } майнерам поставлен
    } статус «{ $icon } { $status }».

miners-paid-word = оплачен
miners-unpaid-word = не оплачен
miners-pay-ask = Статус оплаты для { $count ->
        [1] выбранного майнера
       *[other] выбранных майнеров ({ $count })
    }:
miners-pay-confirm = <b>Отметить { $count ->
        [one] { $count } майнер
        [few] { $count } майнера
       *[many] { $count } майнеров
    } как «{ $icon } { $status }»?</b>
miners-already = Уже «{ $icon } { $status }», останутся как есть: { $count }
miners-pay-nothing = { $count ->
        [1] Выбранный майнер уже «{ $icon } { $status }». Менять нечего.
       *[other] Все выбранные майнеры ({ $count }) уже «{ $icon } { $status }». Менять нечего.
    }
miners-pay-done = ✅ { $count ->
        [one] { $count } майнер отмечен
        [few] { $count } майнера отмечены
       *[many] { $count } майнеров отмечены
    } как «{ $icon } { $status }».

## Импорт

miners-import-ask =
    <b>📥 Импорт майнеров</b>
    Пришлите таблицу — .xlsx, .xls, .xlsb, .ods или .csv, до { $mb } МБ: одна строка — один майнер, названия колонок в первой строке. Читается первый лист с названиями колонок.
    Колонки в любом порядке, по-русски или по-английски (остальные не учитываются): IP, MAC, Серийный номер, Модель, Подмодель, Воркер, Расположение (или Контейнер, Стойка, Место), Email клиента, Номинальная мощность (Вт), Оплачен, Статус.
    По серийному номеру, MAC или IP находится уже известный майнер — он обновится; иначе добавится новый. Пустая ячейка оставляет значение майнера как есть.
    Перед сохранением вы увидите, что изменится.
miners-import-send-file = Пришлите таблицу (.xlsx, .xls, .xlsb, .ods или .csv) документом либо вернитесь к списку.
miners-template = 📄 Шаблон
miners-template-caption = Шаблон для импорта. На втором листе описана каждая колонка и другие названия, которые для неё подходят.
miners-template-sheet = Майнеры
miners-template-help-sheet = Колонки
miners-template-head-column = Колонка
miners-template-head-aliases = Другие названия
miners-template-head-what = Что указывать
miners-template-head-example = Пример
miners-template-about-ip = IP-адрес майнера (IPv4 или IPv6). По нему майнер находится, если нет серийного номера и MAC.
miners-template-about-mac = MAC-адрес, с разделителями или без: a4:5e:60:c1:22:0f, A4-5E-60-C1-22-0F, a45e60c1220f.
miners-template-about-serial = Серийный номер — самый надёжный способ найти майнер при следующем импорте. Нужен хотя бы один из трёх: серийный номер, MAC или IP.
miners-template-about-model = Модель, до 64 символов.
miners-template-about-submodel = Подмодель или вариант по хешрейту, до 64 символов.
miners-template-about-worker = Имя воркера в пуле, до 128 символов.
miners-template-about-location = Где стоит майнер: контейнер / стойка / место, до 128 символов.
miners-template-about-container = Вместо «Расположения»: контейнер. Контейнер, стойка и место объединяются так: C01/R03/P12.
miners-template-about-rack = Вместо «Расположения»: стойка.
miners-template-about-place = Вместо «Расположения»: место в стойке.
miners-template-about-email = Email клиента. Новый email можно добавить как клиента прямо из предпросмотра; иначе майнер останется без клиента.
miners-template-about-power = Номинальная мощность в ваттах, целым числом (3250, «3 250», «3250 Вт»).
miners-template-about-paid = Оплачен ли майнер клиентом: да / нет (также yes/no, true/false, 1/0). Пусто — новый майнер считается оплаченным.
miners-template-about-status = Active, Lowhash, Hanged, Offline или Unknown (можно по-русски: работает, низкий хешрейт, завис, офлайн, неизвестно). Пусто — у нового майнера «неизвестно».

miners-file-too-big = Файл больше { $mb } МБ — это предел, который бот может скачать из Telegram. Разбейте его на несколько файлов или сохраните как .xlsx (он меньше .csv).
miners-import-reading = ⏳ Читаю { $file }…
miners-import-progress = ⏳ Читаю { $file }… прочитано строк: { $count }.
miners-import-checking = ⏳ Сверяю строки ({ $count }) с уже известными майнерами…
miners-import-nothing-changed = Ничего не изменено. Исправьте файл и пришлите его снова.
miners-import-preview-title = <b>📥 Предпросмотр импорта</b> · { $file }
miners-import-rows = Строк: { $count }
miners-import-sheet-rows = Лист «{ $sheet }» · строк: { $count }
miners-import-new = 🆕 Новых майнеров: { $count }
miners-import-updated = ✏️ Обновится: { $count }
miners-import-moved = 👤 Из них сменят клиента: { $count }
miners-import-unchanged = ➖ Без изменений: { $count }
miners-import-rejected = ⛔ Отклонённых строк, будут пропущены: { $count }
miners-import-without-client = 👤 Строк с email без клиента, импортируются без клиента: { $count }
miners-import-rejects-title = <b>Отклонённые строки</b>
miners-import-rejects-more = …
miners-import-emails-title = <b>Email без клиента ({ $count })</b>
miners-import-email = • { $email }: { $count ->
        [one] { $count } строка
        [few] { $count } строки
       *[many] { $count } строк
    }
miners-import-emails-hint = Добавьте клиента для email, чтобы его строки импортировались с этим клиентом; имя, телефон и менеджера можно заполнить потом через «Изменить».
miners-import-emails-cannot-add = Ваша роль не позволяет добавлять клиентов: попросите менеджера добавить их, иначе эти строки импортируются без клиента.
miners-import-apply-hint = Пока вы не нажмёте «Применить», ничего не сохраняется.
miners-import-nothing = Менять нечего: все строки отклонены или уже совпадают с сохранёнными.
miners-add-all-clients = ➕ Добавить всех клиентов ({ $count })
miners-clients-added = { $count ->
        [0] Эти клиенты уже есть.
        [1] Клиент добавлен.
        [one] Добавлен { $count } клиент.
        [few] Добавлено { $count } клиента.
       *[many] Добавлено { $count } клиентов.
    }
miners-import-all-rejects = ⛔ Все отклонённые строки ({ $count })
miners-import-rejects-page = <b>⛔ Отклонённые строки ({ $count })</b>
miners-import-rejects-cut = Показаны только первые { $count }.
miners-import-apply = ✅ Применить
miners-import-applying = ⏳ Применяю импорт…
miners-import-cancelled = Импорт отменён. Ничего не сохранено.
miners-import-done = ✅ <b>Импорт выполнен</b> · { $file }
miners-import-done-new = 🆕 Добавлено: { $count }
miners-import-done-updated = ✏️ Обновлено: { $count }
miners-import-skipped = ⛔ Пропущено отклонённых строк: { $count }
miners-import-done-without-client = 👤 Майнеров без клиента (email не найден): { $count }

miners-column-ip = IP
miners-column-mac = MAC
miners-column-serial = Серийный номер
miners-column-model = Модель
miners-column-submodel = Подмодель
miners-column-worker = Воркер
miners-column-location = Расположение
miners-column-container = Контейнер
miners-column-rack = Стойка
miners-column-place = Место
miners-column-email = Email клиента
miners-column-power = Номинальная мощность
miners-column-paid = Оплачен
miners-column-status = Статус

miners-reject-error-value = Строка { $row }: в колонке «{ $column }» ошибка формулы «{ $value }».
miners-reject-ip = Строка { $row }: «{ $value }» — не IP-адрес.
miners-reject-mac = Строка { $row }: «{ $value }» — не MAC-адрес.
miners-reject-too-long = Строка { $row }: слишком длинное значение в колонке «{ $column }» («{ $value }»).
miners-reject-power = Строка { $row }: мощность «{ $value }» — не целое число ватт.
miners-reject-paid = Строка { $row }: в колонке «Оплачен» стоит «{ $value }»; укажите да или нет.
miners-reject-status = Строка { $row }: неизвестный статус «{ $value }»; подходят Active, Lowhash, Hanged, Offline, Unknown.
miners-reject-email = Строка { $row }: «{ $value }» — не адрес электронной почты.
miners-reject-no-id = Строка { $row }: нет ни серийного номера, ни MAC, ни IP.
miners-reject-dup-serial = Строка { $row }: серийный номер { $value } уже есть в строке { $other }.
miners-reject-dup-mac = Строка { $row }: MAC { $value } уже есть в строке { $other }.
miners-reject-dup-ip = Строка { $row }: IP { $value } уже есть в строке { $other }, и ни в одной из них нет серийного номера или MAC.
miners-reject-conflict = Строка { $row }: серийный номер принадлежит одному майнеру, а MAC { $value } — другому.
miners-reject-ip-ambiguous = Строка { $row }: IP { $value } у нескольких майнеров; добавьте серийный номер или MAC.
miners-reject-same-miner = Строка { $row }: тот же майнер, что в строке { $other }.

invalid-file-empty = Файл пустой.
invalid-file-too-big = Файл больше { $mb } МБ — это предел, который бот может скачать из Telegram.
invalid-file-password = Книга защищена паролем, поэтому прочитать её нельзя. Сохраните копию без пароля и пришлите её.
invalid-file-corrupt = Файл повреждён, прочитать его нельзя. Сохраните его заново в Excel или LibreOffice.
invalid-file-not-spreadsheet = Это не таблица (картинка, PDF или документ другого вида?). Пришлите файл .xlsx, .xls, .xlsb, .ods или .csv.
invalid-file-too-many-cells = Лист этого файла слишком велик: его ячейки вместе с пустыми занимают больше { $max } (строки × колонки). Удалите лишние ячейки далеко ниже или правее таблицы либо разбейте файл.
invalid-file-zip-bomb = Файл распаковывается в объём, несоразмерный таблице майнеров; открывать его не стали.
invalid-file-no-header = Не найдена строка с названиями колонок. В первой строке должны быть названия, например IP, MAC, Серийный номер.
invalid-file-no-id-column = В файле нет колонки «Серийный номер», «MAC» или «IP», поэтому ни найти, ни добавить майнер нельзя.
invalid-file-too-many-rows = В файле больше { $max } строк. Разбейте его на несколько файлов.
invalid-list-empty = Список пуст. Пришлите IP, серийные номера или MAC.
invalid-list-too-long = В списке больше { $max } значений. Выберите майнеры фильтром или разбейте список.
invalid-selection-empty = Ни один майнер не выбран.
conflict-import-clashed = Пока импорт сохранялся, кто-то изменил те же майнеры. Ничего не сохранено — нажмите «Применить» ещё раз.
conflict-too-many-picked = Поштучно можно отметить не больше { $max } майнеров; для большего числа выберите все по фильтру.

log-miners-imported = ⛏ Майнеры импортированы из файла
log-miners-client-changed = ⛏ Майнеры переданы другому клиенту
log-miners-payment-status = 💳 Изменён статус оплаты майнеров
log-miner-client-changed = ⛏ Изменён клиент майнера
log-miner-payment-status = 💳 Изменён статус оплаты майнера
field-miners = Майнеры
field-miners-paid = 🟢 Оплаченные майнеры
field-miners-unpaid = 🔴 Неоплаченные майнеры
field-client-email = Email клиента
field-paid = Оплачен
log-miner-status-changed = 🚦 Изменён статус майнера
field-status = Статус
invalid-status-unknown = Такого статуса майнера нет.
miners-reject-client-archived = Строка { $row }: клиент { $value } в архиве; сначала восстановите его или укажите другого клиента.
