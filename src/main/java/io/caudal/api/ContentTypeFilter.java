package io.caudal.api;

import java.io.IOException;

import io.caudal.error.CaudalException;
import io.caudal.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request {@code Content-Type} that is not one concrete media type ({@code *}{@code /*}, say, or no
 * subtype) when the application first reads it, as a client mistake: Spring's own reading would fail with an
 * exception that says nothing about the request.
 */
@Component
class ContentTypeFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter((request.getContentType() != null) ? new CheckedContentType(request) : request, response);
	}

	private static final class CheckedContentType extends HttpServletRequestWrapper {

		CheckedContentType(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getContentType() {
			String contentType = super.getContentType();
			try {
				if (!MediaType.parseMediaType(contentType).isWildcardType()) {
					return contentType;
				}
			}
			catch (InvalidMediaTypeException ex) {
				// Refused below, as a wildcard is.
			}
			throw new CaudalException(ErrorCode.INVALID_REQUEST, "The Content-Type is not one media type the server "
					+ "can read; send application/json.");
		}

	}

}
