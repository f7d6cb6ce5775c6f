from notify.models import Base
from tiimi_shared.migrations import run_env

run_env(Base.metadata)
