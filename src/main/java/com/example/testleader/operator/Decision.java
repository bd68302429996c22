package com.example.testleader.operator;

/**
 * Whether a call to an operator endpoint may go ahead: if so, who made it (for the log);
 * if not, the status and message its caller gets.
 *
 * @param allowed whether the operation runs
 * @param caller who is allowed, for the log
 * @param status the HTTP status of a refusal
 * @param message why it was refused, for the caller; never contains the token
 */
record Decision(boolean allowed, String caller, int status, String message) {

	static Decision allow(String caller) {
		return new Decision(true, caller, 200, null);
	}

	/** 401: no credentials, or credentials the cluster does not accept. */
	static Decision unauthenticated(String message) {
		return new Decision(false, null, 401, message);
	}

	/** 403: a caller without the permission. */
	static Decision forbidden(String message) {
		return new Decision(false, null, 403, message);
	}

	/** 503: the check itself could not be made, so the call is refused (fail closed). */
	static Decision cannotCheck(String message) {
		return new Decision(false, null, 503, message);
	}

	/** Whether the API server decided (a failure to check is worth trying again at once). */
	boolean decided() {
		return this.status != 503;
	}

}
