package io.caudal;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of the design: the storage engine is a plain library under the one door ({@code topic/}), the
 * clock is a leaf, and dependencies point one way. A new back-edge fails the build.
 */
@AnalyzeClasses(packages = "io.caudal", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	@ArchTest
	static final ArchRule theEngineKnowsNothingAboveIt = noClasses().that()
		.resideInAPackage("io.caudal.log..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.caudal.topic..", "io.caudal.group..", "io.caudal.offset..", "io.caudal.api..",
				"io.caudal.ws..", "io.caudal.config..", "io.caudal.error..", "org.springframework..")
		.because("log/ is a plain library that topic/ puts behind the storage interface");

	@ArchTest
	static final ArchRule onlyTheDoorSeesTheEngine = noClasses().that()
		.resideInAnyPackage("io.caudal.api..", "io.caudal.ws..", "io.caudal.sse..", "io.caudal.group..",
				"io.caudal.offset..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.caudal.log..")
		.because("every read, write and wait goes through topic/");

	@ArchTest
	static final ArchRule onlyTheWiringSeesTheKafkaEngine = noClasses().that()
		.resideOutsideOfPackages("io.caudal.kafka..", "io.caudal.config..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.caudal.kafka..")
		.because("the Kafka engine sits behind the storage interface as the file engine does");

	@ArchTest
	static final ArchRule theEnginesDoNotShareCode = noClasses().that()
		.resideInAPackage("io.caudal.kafka..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.caudal.log..");

	@ArchTest
	static final ArchRule offsetsDoNotKnowTheCoordinator = noClasses().that()
		.resideInAPackage("io.caudal.offset..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.caudal.group..");

	@ArchTest
	static final ArchRule nothingDependsOnTheTransports = noClasses().that()
		.resideInAnyPackage("io.caudal.log..", "io.caudal.topic..", "io.caudal.group..", "io.caudal.offset..",
				"io.caudal.time..", "io.caudal.error..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.caudal.api..", "io.caudal.ws..", "io.caudal.sse..");

	@ArchTest
	static final ArchRule theClockIsALeaf = noClasses().that()
		.resideInAPackage("io.caudal.time..")
		.should()
		.dependOnClassesThat()
		.resideOutsideOfPackages("io.caudal.time..", "java..");

	@ArchTest
	static final ArchRule noCyclesBetweenPackages = slices().matching("io.caudal.(*)..").should().beFreeOfCycles();

	@ArchTest
	static void theRulesSeeTheWholeApplication(JavaClasses classes) {
		assertThat(classes.containPackage("io.caudal.log")).isTrue();
		assertThat(classes.containPackage("io.caudal.ws")).isTrue();
		assertThat(classes.containPackage("io.caudal.kafka")).isTrue();
	}

}
