// Runs before the first paint so a dark-mode user never sees a white flash. Mirrors Mantine's
// ColorSchemeScript (same localStorage key), which is inline and would be blocked by the CSP.
(function () {
  try {
    var stored = window.localStorage.getItem('mantine-color-scheme-value');
    var scheme =
      stored === 'light' || stored === 'dark'
        ? stored
        : window.matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
    document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
  } catch (_error) {
    // Storage may be unavailable; Mantine sets the attribute when it mounts.
  }
})();
