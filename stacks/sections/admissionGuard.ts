// `admissionGuard`: what the API server does with a request the admission guard refuses.

import { AdmissionGuardSettings, ValidationAction, validationActions } from "../../components/admissionRules";
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
    if (Array.isArray(written) && written.length === 0) {
        problems.invalid(path, written, "must list at least one action: Deny (the default), Warn or Audit");
    }
    if (settings.validationActions.includes("Deny") && settings.validationActions.includes("Warn")) {
        problems.invalid(
            path,
            written,
            "lists Deny and Warn together, which the API server refuses: Deny to refuse, [Warn] or [Warn, Audit] to let requests through with a warning",
        );
    }
    return settings;
}
