/** One entry of the application menu, in the shape Menu.buildFromTemplate takes (roles are Electron's). */
export interface AppMenuItem {
  label?: string;
  role?:
    | 'appMenu'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'minimize'
    | 'reload'
    | 'forceReload'
    | 'toggleDevTools'
    | 'hide'
    | 'hideOthers'
    | 'unhide'
    | 'about';
  type?: 'separator';
  accelerator?: string;
  click?: () => void;
  submenu?: AppMenuItem[];
}

export interface AppMenuActions {
  lock(): void;
  /** Closes the window (to the tray: the UI locks, watching goes on). */
  closeWindow(): void;
  quit(): void;
}

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** app.isPackaged: a packaged build has no Reload and no DevTools. */
  packaged: boolean;
}

const SEPARATOR: AppMenuItem = { type: 'separator' };

/**
 * The application menu. Electron's default menu has Reload, Force Reload and Toggle Developer
 * Tools: a reload drops the renderer's state mid-edit, and DevTools in a vault app is a console on
 * decrypted content. They are in development builds only. Edit keeps its roles, or copy and paste
 * shortcuts stop working on macOS.
 */
export function appMenuTemplate(options: AppMenuOptions, actions: AppMenuActions): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  const develop: AppMenuItem[] = options.packaged
    ? []
    : [SEPARATOR, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }];
  return [
    ...(mac
      ? [
          {
            role: 'appMenu' as const,
            submenu: [
              { role: 'about' as const },
              SEPARATOR,
              { role: 'hide' as const },
              { role: 'hideOthers' as const },
              { role: 'unhide' as const },
              SEPARATOR,
              { label: 'Quit Afterword', accelerator: 'Cmd+Q', click: actions.quit },
            ],
          },
        ]
      : []),
    {
      label: 'File',
      submenu: [
        { label: 'Lock', accelerator: 'CmdOrCtrl+L', click: actions.lock },
        { label: 'Close Window', accelerator: 'CmdOrCtrl+W', click: actions.closeWindow },
        ...(mac
          ? []
          : [
              SEPARATOR,
              { label: 'Quit (stops warnings on this computer)', accelerator: 'Ctrl+Q', click: actions.quit },
            ]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        SEPARATOR,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        SEPARATOR,
        { role: 'togglefullscreen' },
        ...develop,
      ],
    },
    { label: 'Window', submenu: [{ role: 'minimize' }] },
  ];
}
