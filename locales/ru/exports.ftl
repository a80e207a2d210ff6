## Выгрузки: выгрузка данных клиентов за период, список выгрузок, сам файл

menu-exports = 📤 Выгрузки
clients-export = 📤 Выгрузить данные клиентов
client-export = 📤 Выгрузить
open-exports = 📤 Мои выгрузки

export-title = <b>📤 Выгрузка данных клиентов</b> · шаг { $step } из 3
export-ask-clients = Каких клиентов выгрузить: всех или выбранных?
export-all-clients = 👥 Все клиенты ({ $count })
export-pick-clients = ☑️ Выбрать клиентов
export-pick = Отметьте клиентов для выгрузки. Выбрано: { $count }.
export-pick-search = 🔍 «{ $query }»
export-pick-none = Ничего не найдено. Попробуйте другое имя, email или ID либо сбросьте поиск.
export-pick-empty = Клиентов пока нет.
export-pick-hint = <i>Для поиска пришлите имя, email или ID.</i>
export-pick-next = ➡️ Далее ({ $count })
export-pick-clear = ✖️ Сбросить поиск
export-ask-period = Клиенты: { $clients }
    За какой период?
export-period-this-month = Этот месяц
export-period-last-month = Прошлый месяц
export-period-last-7 = Последние 7 дней
export-period-last-30 = Последние 30 дней
export-period-custom = 📅 С … по …
export-calendar-first = Нажмите первый день периода.
export-calendar-last = С { $from }. Теперь нажмите последний день.
export-calendar-new-first = Последний день не может быть раньше первого, поэтому теперь первый день — { $day }.
export-calendar-both = { $from } – { $to }. Нажмите «Выбрать» или отметьте другие дни.
export-calendar-use = ✅ Выбрать { $from } – { $to }
export-ask-kinds = Клиенты: { $clients }
    Период: { $period }
    Отметьте, какие данные включить:
export-kind-profile = Карточка клиента
export-kind-miners = Майнеры
export-kind-tasks = Задачи
export-kind-billing = Счета и платежи
export-kind-consumption = Потребление по дням
export-kind-logs = Журнал
export-download = ⬇️ Скачать
export-queued = ⏳ Готовлю выгрузку №{ $id }. Файл придёт в этот чат, а пока можно работать дальше.

export-clients-all = все клиенты ({ $count })
export-clients-more = и ещё { $count }
export-period-named = { $name }, { $from } – { $to }
export-period-range = { $from } – { $to }

export-caption =
    📤 <b>Выгрузка №{ $id }</b>
    Клиенты: { $clients }
    Период: { $period }
    Данные: { $contents }
export-caption-part = Файл { $part } из { $parts }.
export-caption-split = Выгрузка больше 50 МБ, а Telegram принимает файлы только до этого размера, поэтому она разбита на { $parts } { $parts ->
        [one] файл
        [few] файла
       *[many] файлов
    }, у каждого свои листы.

exports-title = <b>📤 Ваши выгрузки</b> ({ $count })
exports-empty = Вы ещё ничего не выгружали. Начните с раздела «Клиенты» → «📤 Выгрузить данные клиентов».
exports-entry =
    <b>№{ $id }</b> · { $status } · { $when }
    { $clients } · { $period }
    { $contents }
exports-entry-size = 📦 { NUMBER($size, maximumFractionDigits: 1) } МБ
exports-entry-files = 📦 { NUMBER($size, maximumFractionDigits: 1) } МБ, файлов: { $count }
exports-entry-reason = ❗️ { $reason }
exports-kept = <i>Файлы хранятся { $days } дней.</i>
exports-send = 📥 №{ $id }
exports-refresh = 🔄 Обновить
exports-new = 📤 Новая выгрузка
exports-sending = Отправляю…
export-status-queued = ⏳ в очереди
export-status-running = ⚙️ готовится
export-status-done = ✅ готова
export-status-failed = ❌ не удалась
export-status-expired = 🗑 удалена

export-notice-failed = ❌ Выгрузку №{ $id } сделать не удалось: { $reason }
export-notice-resumed = ⏳ FarmDesk перезапустился, пока готовилась выгрузка №{ $id }. Готовлю её заново — файл придёт следом.
export-notice-undelivered = ⚠️ Выгрузка №{ $id } готова, но Telegram не принял файл. Откройте «📤 Выгрузки», чтобы получить её.
export-error-internal = что-то пошло не так на нашей стороне. Попробуйте ещё раз; если повторится, сообщите администратору.
export-error-interrupted = FarmDesk несколько раз перезапускался, пока её готовил. Попробуйте период короче или меньше клиентов.
export-error-too-large = она слишком велика даже по частям. Попробуйте период короче, меньше клиентов или меньше данных.
export-error-permission = ваша роль больше не позволяет делать выгрузки или раздел «Клиенты» закрыт.
export-error-storage = серверу не удалось сохранить файл (возможно, закончилось место на диске). Сообщите администратору.

invalid-kinds-empty = Отметьте хотя бы один вид данных.
invalid-kinds-unknown = Такие данные выгрузить нельзя.
invalid-clients-empty = Отметьте хотя бы одного клиента.
invalid-clients-too-many = Можно отметить не больше { $max } клиентов. Чтобы выгрузить больше, выберите «Все клиенты».
invalid-period-order = Последний день не может быть раньше первого.
invalid-period-future = Период не может заканчиваться позже сегодняшнего дня.
invalid-period-too-early = Период не может начинаться раньше 2000 года.
invalid-period-unknown = Такого периода нет в списке.
invalid-period-format = Это не дата.
invalid-period-missing = Выберите первый и последний день.
conflict-export-expired = Файлы этой выгрузки удалены через { $days } дней. Сделайте новую выгрузку.
conflict-export-not-ready = У этой выгрузки нет файла, который можно отправить.

log-export-requested = Выгружены данные клиента

export-sheet-clients = Клиенты
export-sheet-miners = Майнеры
export-sheet-tasks = Задачи
export-sheet-bills = Счета
export-sheet-payments = Платежи
export-sheet-consumption = Потребление
export-sheet-logs = Журнал

export-col-client-id = ID клиента
export-col-client = Клиент
export-col-name = Имя
export-col-email = Email
export-col-phone = Телефон
export-col-messenger = Мессенджер
export-col-manager = Менеджер
export-col-added = Добавлен
export-col-updated = Последнее изменение
export-col-created = Дата создания
export-col-miners = Майнеры
export-col-price-per-kwh = Цена за кВт·ч
export-col-hosting-fee = Хостинг за майнер в месяц
export-col-markup = Наценка, %
export-col-service-cost = Стоимость обслуживания
export-col-currency = Валюта
export-col-miner-id = ID майнера
export-col-model = Модель
export-col-submodel = Модификация
export-col-serial = Серийный номер
export-col-mac = MAC
export-col-ip = IP
export-col-worker = Воркер
export-col-location = Место
export-col-power = Мощность, Вт
export-col-status = Статус
export-col-paid = Оплачен
export-col-task-id = ID задачи
export-col-task-manager = Таск-менеджер
export-col-task-type = Тип
export-col-task-status = Статус
export-col-summary = Краткое описание
export-col-description = Описание
export-col-priority = Приоритет
export-col-due = Срок
export-col-assignee = Исполнитель
export-col-reporter = Автор
export-col-task-fields = Другие поля
export-col-bill-id = ID счёта
export-col-bill-period = Месяц
export-col-consumption = Потребление, кВт·ч
export-col-total = Итого
export-col-paid-amount = Оплачено
export-col-bill-status = Статус
export-col-payment-id = ID платежа
export-col-paid-on = Дата
export-col-amount = Сумма
export-col-method = Способ
export-col-recorded-by = Кто внёс
export-col-recorded-at = Когда внесён
export-col-day = Дата
export-col-energy = Энергия, кВт·ч
export-col-time = Время
export-col-who = Кто
export-col-category = Категория
export-col-action = Действие
export-col-entity = Объект
export-col-entity-id = ID объекта
export-col-changes = Изменения
export-col-details = Подробности
export-col-payment-term = Срок оплаты, дней
export-col-energy-cost = Электроэнергия
export-col-markup-amount = Наценка за хостинг
export-col-amount-due = К оплате
export-col-issued-on = Выставлен
export-col-due-on = Оплатить до
export-col-cancel-reason = Причина отмены
export-col-reference = Номер платежа

export-bill-status-unpaid = Не оплачен
export-bill-status-paid = Оплачен
export-bill-status-partially-paid = Оплачен частично
export-bill-status-overpaid = Переплата
export-payment-method-bank-transfer = Банковский перевод
export-payment-method-crypto = Криптовалюта
export-payment-method-card = Карта
export-payment-method-cash = Наличные
export-payment-method-other = Другое
export-bill-status-overdue = Просрочен
export-bill-status-cancelled = Отменён
export-payment-method-credit = Зачёт переплаты

export-clients-count = { $count ->
    [one] { $count } клиент
    [few] { $count } клиента
   *[many] { $count } клиентов
}
export-file-missing = Файла этой выгрузки больше нет на сервере. Сделайте новую выгрузку.
