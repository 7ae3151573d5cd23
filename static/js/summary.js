/* The event's public summary: its Print button (hidden without JavaScript). */
import { printButtons } from "./page.js";

printButtons();
