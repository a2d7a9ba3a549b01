import { useHotkeys } from '@mantine/hooks';
import { useCheckin } from './CheckinProvider';
import { useRouter } from './RouterContext';
import { newMessageHotkey } from '../hooks/shortcut-keys';

/** Physical keys, so the shortcuts work the same with any keyboard layout or input method. */
const PHYSICAL = { usePhysicalKeys: true };

/**
 * mod+Shift+H: "I'm here", even while typing in a field or the message editor.
 * A new message (not while typing): mod+N in the desktop app, Alt+N in a browser tab (which
 * never receives Ctrl+N).
 */
export function ShellHotkeys() {
  const { checkIn, busy } = useCheckin();
  const { navigate } = useRouter();
  useHotkeys(
    [
      [
        'mod+shift+H',
        () => {
          if (!busy) void checkIn();
        },
        PHYSICAL,
      ],
    ],
    [],
    true,
  );
  useHotkeys([[newMessageHotkey().hotkey, () => navigate('messages', 'new'), PHYSICAL]]);
  return null;
}
