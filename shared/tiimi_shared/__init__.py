"""The tiimi kernel: what every service shares and nothing that is a business rule."""
import warnings

# eventlet announces on import that it is in maintenance mode; nameko 2 needs it,
# and the notice would otherwise open every process's output.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
