package com.example.testleader.task;

import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tells the election which roles to compete for: those the critical work runs under. */
@Configuration(proxyBeanMethods = false)
class TaskConfiguration {

	@Bean
	ElectedRoles electedRoles(CriticalTasks tasks) {
		return tasks.electedRoles();
	}

}
