// Every string the app shows, in fi, sv and en; the user picks, the token's locale is the default.
import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = ["fi", "sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

type Strings = { [key: string]: string | Strings };
// One file a screen and language, locales/<language>/<screen>.json, its keys under <screen>.
const files = import.meta.glob<Strings>("../locales/*/*.json", { eager: true, import: "default" });

function stringsOf(language: Language): Strings {
  const strings: Strings = {};
  for (const [path, tree] of Object.entries(files)) {
    const [, lang, screen] = /\/locales\/(\w+)\/(\w+)\.json$/.exec(path)!;
    if (lang === language) strings[screen!] = tree;
  }
  return strings;
}

export const resources = {
  fi: { translation: stringsOf("fi") },
  sv: { translation: stringsOf("sv") },
  en: { translation: stringsOf("en") },
} as const;

/** The language of a locale such as "sv-FI" or "en", or undefined if we do not speak it. */
export function languageOf(locale: string | undefined | null): Language | undefined {
  const primary = locale?.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((language) => language === primary);
}

export function createI18n(language: Language = "fi"): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
  });
  instance.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
  });
  document.documentElement.lang = language;
  return instance;
}
