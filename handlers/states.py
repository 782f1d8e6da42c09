"""FSM states. They only cache where a person is; the database can rebuild it (see onboarding)."""

from aiogram.fsm.state import State, StatesGroup


class ProfileForm(StatesGroup):
    structure_name = State()
    department = State()
    role_other = State()
