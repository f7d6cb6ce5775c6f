import "@fontsource/source-sans-3/latin-400.css";
import "@fontsource/source-sans-3/latin-600.css";
import "./app/global.css";
import { createRoot } from "react-dom/client";
import { Root } from "./app/App";
import { createI18n, languageOf } from "./lib/i18n";

const i18n = createI18n(languageOf(navigator.language) ?? "fi");
const root = document.getElementById("root");
if (root) createRoot(root).render(<Root i18n={i18n} />);
