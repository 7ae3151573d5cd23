/* The badges page: its Print button (hidden without JavaScript). */
import { printButtons } from "./page.js";

printButtons();
