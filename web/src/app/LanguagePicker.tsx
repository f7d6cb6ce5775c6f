import { useTranslation } from "react-i18next";
import { LanguageMenu, LanguageMenuItem } from "suomifi-ui-components";
import { LANGUAGES, languageOf } from "../lib/i18n";

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const current = languageOf(i18n.language) ?? "fi";
  return (
    // The accessible name holds the visible text (WCAG 2.5.3): "Choose the language; now In English (EN)".
    <LanguageMenu
      buttonText={t(`language.${current}`)}
      aria-label={t("header.languageMenu", { language: t(`language.${current}`) })}
    >
      {LANGUAGES.map((language) => (
        <LanguageMenuItem
          key={language}
          lang={language}
          selected={language === current}
          onSelect={() => void i18n.changeLanguage(language)}
        >
          {t(`language.${language}`)}
        </LanguageMenuItem>
      ))}
    </LanguageMenu>
  );
}
