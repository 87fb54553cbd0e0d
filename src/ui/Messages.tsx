import { useAppStore } from '../state/store';
import type { MessageLevel } from '../state/messages';

const PREFIX: Record<MessageLevel, string> = { info: 'Note', warn: 'Warning', error: 'Error' };

/** Engine notices, each saying what to do; dismissible. */
export function Messages() {
  const messages = useAppStore((s) => s.messages);
  const dismiss = useAppStore((s) => s.dismissMessage);
  if (!messages.length) return null;
  return (
    <div className="messages" data-testid="messages">
      {messages.map((m) => (
        <div key={m.id} className={`notice notice-${m.level}`} role={m.level === 'error' ? 'alert' : 'status'}
          data-testid={`message-${m.kind}`} data-level={m.level}>
          <span>
            <strong>{PREFIX[m.level]}:</strong> {m.text}
            {m.hint && <span className="hint"> {m.hint}</span>}
          </span>
          <button type="button" data-testid={`message-dismiss-${m.id}`} aria-label={`Dismiss: ${m.text}`} onClick={() => dismiss(m.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
