// Extracts the CSS rules plotly.js injects at run time into a static stylesheet.
// Our content security policy (style-src 'self') blocks injected <style> rules, so the same
// rules are served as a file instead. Usage: node bin/plotly-css.mjs <plotly.min.js> <out.css>
import { readFileSync, writeFileSync } from "node:fs";

const [source, target] = process.argv.slice(2);
const js = readFileSync(source, "utf8");
const start = js.indexOf('{"X,X div":');
if (start < 0) throw new Error("plotly.js style rules not found: has the bundle changed?");
// Walk to the matching closing brace, skipping quoted strings.
let depth = 0;
let end = start;
let quote = null;
for (; end < js.length; end++) {
  const ch = js[end];
  if (quote) {
    if (ch === "\\") end++;
    else if (ch === quote) quote = null;
  } else if (ch === '"' || ch === "'") quote = ch;
  else if (ch === "{") depth++;
  else if (ch === "}" && --depth === 0) break;
}
// The object literal is plain data (string keys and values): evaluate it as JSON-like data.
const rules = Function(`"use strict"; return (${js.slice(start, end + 1)});`)();
const prefix = ".js-plotly-plot .plotly";
const css = Object.entries(rules)
  .map(([selector, body]) => `${selector.replace(/X/g, prefix)}{${body}}`)
  .join("\n");
writeFileSync(target, `/* Generated from plotly.js at set-up (bin/plotly-css.mjs). */\n${css}\n`);
console.log(`wrote ${Object.keys(rules).length} plotly.js rules to ${target}`);
