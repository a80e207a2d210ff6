"""Conversation states (forms). Kept in persistent storage, so they survive a restart."""

from aiogram.fsm.state import State, StatesGroup


class SettingsForm(StatesGroup):
    name = State()
    timezone = State()
    currency = State()


class RoleForm(StatesGroup):
    name = State()


class ClientBrowse(StatesGroup):
    """The overview is open: typed text searches it."""

    list = State()


class ClientAdd(StatesGroup):
    name = State()
    email = State()
    manager = State()
    phone = State()
    messenger = State()
    confirm = State()


class ClientEdit(StatesGroup):
    value = State()
    confirm = State()


class TaskForm(StatesGroup):
    """A new task; which step is asked is kept as `tf_step` (the extra fields share `extra`)."""

    manager = State()
    client = State()
    attach = State()
    type = State()
    summary = State()
    priority = State()
    due = State()
    assignee = State()
    description = State()
    extra = State()
    confirm = State()


class TaskEdit(StatesGroup):
    """A task card waits for typed text: a comment or a due date."""

    comment = State()
    due = State()


class TaskManagerForm(StatesGroup):
    name = State()
    types = State()
    statuses = State()
    categories = State()
    fields = State()
    field_name = State()
    field_choices = State()
    field_required = State()
    confirm = State()


class AssetForm(StatesGroup):
    name = State()
    type = State()
    serial = State()


class AssetEdit(StatesGroup):
    value = State()


class ExportForm(StatesGroup):
    """Export client data: clients (typed text searches the list), period, data to include."""

    clients = State()
    period = State()
    kinds = State()


class MinerBrowse(StatesGroup):
    """The Miners list is open (typed text searches it), or it asks for the client filter."""

    list = State()
    client = State()


class MinerSelect(StatesGroup):
    """Waiting for a pasted list of IPs, serials or MACs (or a file with them)."""

    paste = State()


class MinerMass(StatesGroup):
    """A mass action on the selection: the new client's email, then a confirmation."""

    email = State()
    confirm = State()


class MinerImport(StatesGroup):
    """Waiting for the import file; then its preview is shown."""

    file = State()
    preview = State()


class ClientMerge(StatesGroup):
    """Merging a client: typed text searches for the client to merge it into."""

    target = State()
