// Every string the app shows, in fi, sv and en; the user picks, the token's locale is the default.
import i18next, { type i18n } from "i18next";
import { initReactI18next } from "react-i18next";
import en from "../locales/en.json";
import fi from "../locales/fi.json";
import sv from "../locales/sv.json";

export const LANGUAGES = ["fi", "sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const resources = { fi: { translation: fi }, sv: { translation: sv }, en: { translation: en } } as const;

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
