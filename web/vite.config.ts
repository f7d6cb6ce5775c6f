/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves the build at /app/ and /, with a strict Content-Security-Policy:
// it swaps this placeholder in the page for a fresh nonce on every answer
// (services/gateway/gateway/webapp.py), which styled-components then puts on its <style>.
const NONCE_PLACEHOLDER = "__TIIMI_CSP_NONCE__";
const GATEWAY = process.env.TIIMI_GATEWAY ?? "http://127.0.0.1:8000";
const API = ["/clients", "/teams", "/me", "/referrals", "/inbox", "/partner", "/legal-bases", "/emergency-accesses", "/openapi.json", "/health", "/app/config.json"];

export default defineConfig({
  base: "/app/",
  plugins: [react()],
  html: { cspNonce: NONCE_PLACEHOLDER },
  build: {
    // No data: URLs: every font and image is a file of our own origin, as the policy wants.
    assetsInlineLimit: 0,
    sourcemap: false,
    // The budget that counts is npm run size (JavaScript gzipped, 300 kB); one chunk is fine under it.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    // `npm run dev` beside a running `make run`: the API and login settings come from the gateway.
    proxy: Object.fromEntries(API.map((path) => [path, GATEWAY])),
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}", "scripts/**/*.test.mjs"],
    restoreMocks: true,
    // A component test renders the whole screen in jsdom; on a busy 2-core machine that can take seconds.
    testTimeout: 20_000,
  },
});
