# syntax=docker/dockerfile:1
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -DskipTests package && cp target/caudal-*.jar /caudal.jar

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /data caudal && mkdir -p /data && chown caudal /data
COPY --from=build /caudal.jar /opt/caudal/caudal.jar
USER caudal
VOLUME /data
ENV CAUDAL_DATA_DIR=/data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health HTTP/1.0\r\n\r\n" >&3 && grep -q "\"status\":\"UP\"" <&3'
ENTRYPOINT ["java", "-jar", "/opt/caudal/caudal.jar"]
