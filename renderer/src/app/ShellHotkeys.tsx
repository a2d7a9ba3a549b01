import { useHotkeys } from '@mantine/hooks';
import { useCheckin } from './CheckinProvider';
import { useRouter } from './RouterContext';

/** Physical keys, so the shortcuts work the same with any keyboard layout or input method. */
const PHYSICAL = { usePhysicalKeys: true };

/**
 * mod+Shift+H: "I'm here", even while typing in a field or the message editor.
 * mod+N: a new message (not while typing). A browser tab never receives Ctrl+N (the browser
 * opens a window with it); the desktop app does.
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
  useHotkeys([['mod+N', () => navigate('messages', 'new'), PHYSICAL]]);
  return null;
}
