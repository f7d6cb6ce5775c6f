import { useTranslation } from "react-i18next";
import { LanguageMenu, LanguageMenuItem } from "suomifi-ui-components";
import { LANGUAGES, languageOf } from "../lib/i18n";

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const current = languageOf(i18n.language) ?? "fi";
  return (
    <LanguageMenu buttonText={current.toUpperCase()} aria-label={t("header.languageMenu")}>
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
