package com.example.testleader.election;

/** What a {@link LeaseContext} asks of the elector that granted it. */
interface Terms {

	void yield(LeaseContext context);

}
