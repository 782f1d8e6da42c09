"""FSM states. They only cache where a person is; the database can rebuild it (see onboarding)."""

from aiogram.fsm.state import State, StatesGroup


class ProfileForm(StatesGroup):
    structure_name = State()
    department = State()
    role_other = State()


class BroadcastForm(StatesGroup):
    content = State()  # waiting for the message to broadcast
    departments = State()  # waiting for typed departments
    schedule = State()  # waiting for a typed date and time


class MeetingForm(StatesGroup):
    when = State()
    city = State()
    regions = State()
    theme = State()
    venue = State()
    confirm = State()
