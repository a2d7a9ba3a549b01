// Builds the renderer (renderer/) into dist/renderer/ for both front doors: Electron's app://app/
// protocol and the runner's http://host:port/. Relative asset URLs (`base: './'`) work under both.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import postcssPresetMantine from 'postcss-preset-mantine';
import postcssSimpleVars from 'postcss-simple-vars';
import { defineConfig, type Plugin } from 'vite';
import { RENDERER_META_CSP } from './shared/content-security-policy.js';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));
const runnerUrl = new URL(process.env.AFTERWORD_URL ?? 'http://127.0.0.1:7420').origin;

/**
 * Build only (the dev server injects inline scripts for hot reload): add the CSP as a <meta> and
 * fail the build if the page ends up with an inline script, which `script-src 'self'` would block.
 */
function strictCsp(): Plugin {
  return {
    name: 'afterword:strict-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(
          ([, attrs, body]) => !/\bsrc=/.test(attrs ?? '') || (body ?? '').trim() !== '',
        );
        if (inline.length > 0)
          throw new Error(`index.html has ${inline.length} inline script(s); a strict CSP would block them`);
        return [
          {
            tag: 'meta',
            attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_META_CSP },
            injectTo: 'head-prepend',
          },
        ];
      },
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), strictCsp()],
  css: {
    postcss: {
      plugins: [
        postcssPresetMantine(),
        postcssSimpleVars({
          variables: {
            'mantine-breakpoint-xs': '36em',
            'mantine-breakpoint-sm': '48em',
            'mantine-breakpoint-md': '62em',
            'mantine-breakpoint-lg': '75em',
            'mantine-breakpoint-xl': '88em',
          },
        }),
      ],
    },
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Electron 45 is Chromium 140; the runner is opened in a current browser.
    target: 'chrome120',
    sourcemap: false,
    // The CSP has no 'unsafe-eval' and no data: scripts; keep every asset a real file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    rolldownOptions: {
      output: {
        // Named, long-lived vendor chunks for what every screen needs; Mantine components stay
        // with the screens that use them, so the first screen does not load the others' widgets.
        codeSplitting: {
          groups: [
            { name: 'vendor-react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 20 },
            { name: 'vendor-i18n', test: /[\\/]node_modules[\\/](i18next|react-i18next)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  // `npx vite` for hot reload against a running `afterword serve` (AFTERWORD_URL, default :7420). The
  // runner accepts only its own Origin, so the proxy presents the runner's origin.
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': {
        target: runnerUrl,
        ws: true,
        configure(proxy) {
          proxy.on('proxyReq', (request) => request.setHeader('origin', runnerUrl));
          proxy.on('proxyReqWs', (request) => request.setHeader('origin', runnerUrl));
        },
      },
    },
  },
});
