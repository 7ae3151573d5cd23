/* The session page: its clock counts down while the session is open. */
import { startCountdowns } from "./clock.js";

startCountdowns();
