// Placeholder renderer: the real UI (React) arrives with the renderer issue. Plain DOM only; this
// runs in a sandboxed window with no Node and no Electron (see eslint.config.js).
const TITLE = 'Afterword — the desktop UI arrives with the renderer issue';

function render(root: HTMLElement): void {
  const heading = document.createElement('h1');
  heading.textContent = TITLE;
  root.replaceChildren(heading);
}

const root = document.getElementById('root');
if (!root) throw new Error('renderer: #root is missing from index.html');
render(root);
