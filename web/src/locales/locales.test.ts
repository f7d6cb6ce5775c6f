// Every string in every language: a key missing in one, or one no screen uses, fails here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES, resources } from "../lib/i18n";

type Tree = { [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [prefix + key] : keysOf(value, `${prefix}${key}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [readFileSync(path, "utf-8")] : [];
  });
}

const src = resolve(__dirname, "..");
const code = sources(src).join("\n");
// t("clients.title"), t(`clients.role.${x}`): a literal key, or a prefix that takes a value.
const used = new Set([...code.matchAll(/\bt\(\s*["']([\w.]+)["']/g)].map((m) => m[1]!));
const prefixes = [...code.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)].map((m) => m[1]!);
const english = keysOf(resources.en.translation);

describe("the translations", () => {
  it.each(LANGUAGES.filter((l) => l !== "en"))("%s has exactly the keys English has", (language) => {
    const keys = keysOf(resources[language].translation);
    expect({ missing: english.filter((k) => !keys.includes(k)), extra: keys.filter((k) => !english.includes(k)) }).toEqual({
      missing: [],
      extra: [],
    });
  });

  it.each(LANGUAGES)("%s has no empty string", (language) => {
    const tree = resources[language].translation as Tree;
    const empty = keysOf(tree).filter((key) => key.split(".").reduce<string | Tree>((node, part) => (node as Tree)[part]!, tree) === "");
    expect(empty).toEqual([]);
  });

  it("has every key the code asks for", () => {
    const known = new Set(english.map((key) => key.replace(PLURAL, "")));
    expect([...used].filter((key) => !known.has(key))).toEqual([]);
  });

  it("has no key the code never asks for", () => {
    const unused = english.filter((key) => {
      const base = key.replace(PLURAL, "");
      return !used.has(base) && !prefixes.some((prefix) => key.startsWith(prefix));
    });
    expect(unused).toEqual([]);
  });
});
