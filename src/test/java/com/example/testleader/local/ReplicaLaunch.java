package com.example.testleader.local;

/** How a replica's process is started: the command, given the replica and its pod's UID. */
@FunctionalInterface
interface ReplicaLaunch {

	ProcessBuilder command(LocalReplica replica, String podUid);

}
