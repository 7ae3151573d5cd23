/* A partner's page of what it gave and got: the print button (shown with JavaScript only). */
import { printButtons } from "./page.js";

printButtons();
