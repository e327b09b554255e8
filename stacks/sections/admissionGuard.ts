// `admissionGuard`: what the API server does with a request the admission guard refuses.

import {
    AdmissionGuardSettings,
    ValidationAction,
    validationActions,
    validationActionsProblem,
} from "../../components/admissionRules";
import { Problems } from "../problems";
import { Reader } from "../reader";

/**
 * `admissionGuard.validationActions`: a non-empty list of Deny, Warn and Audit, each once, never
 * Deny with Warn (the API server refuses such a binding).
 */
export function readAdmissionGuard(problems: Problems, raw: unknown): AdmissionGuardSettings {
    const reader = Reader.of(problems, "admissionGuard", raw);
    const path = reader.pathOf("validationActions");
    const settings: AdmissionGuardSettings = { validationActions: [] };
    for (const { path: itemPath, value } of reader.list("validationActions")) {
        if (!validationActions.includes(value as ValidationAction)) {
            problems.invalid(itemPath, value, `must be one of ${validationActions.join(", ")}`);
        } else if (settings.validationActions.includes(value as ValidationAction)) {
            problems.invalid(itemPath, value, "is listed twice");
        } else {
            settings.validationActions.push(value as ValidationAction);
        }
    }
    const written = reader.peek("validationActions");
    // A list whose every entry was refused above has its problems already.
    if (Array.isArray(written) && (written.length === 0 || settings.validationActions.length > 0)) {
        const problem = validationActionsProblem(settings.validationActions);
        if (problem) {
            problems.invalid(path, written, problem);
        }
    }
    return settings;
}
