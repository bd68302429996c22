package com.example.testleader.operator;

import jakarta.servlet.http.HttpServletRequest;

/** Decides, per request, whether an operator endpoint's write operation may run. */
interface OperatorAccess extends AutoCloseable {

	Decision check(HttpServletRequest request, OperatorAction action);

	@Override
	default void close() {
	}

}
