"""What core announces; apps above it react by connecting in their own AppConfig.ready() (core imports none of them)."""
from django.dispatch import Signal

# Sent with events=[AuditEvent, ...] once they are appended, inside the appending transaction
# (notifications writes the notifications they call for).
audit_events_appended = Signal()
