package io.dmactl.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;

/**
 * Turns every way a command can fail into one line on stderr, {@code dmactl COMMAND: what
 * went wrong}, and the exit code that says which kind of failure it was ({@link ExitCodes}).
 * With {@code --verbose} the stack trace follows. A bad command line also points at the
 * command's {@code --help}, which shows the accepted forms.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException exception, String[] args) {
        CommandLine command = exception.getCommandLine();
        PrintWriter err = command.getErr();
        String message = exception.getMessage();
        if (exception instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        err.println(prefix(command) + message + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        if (verbose(command)) {
            exception.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        int code = ExitCodes.of(exception);
        String message = exception.getMessage() == null || exception.getMessage().isBlank()
                ? exception.getClass().getName() : exception.getMessage();
        if (code == ExitCodes.INTERNAL) {
            err.println(prefix(command) + "internal error: " + exception
                    + (verbose(command) ? "" : " (run with --verbose for the stack trace, and please report it)"));
        } else {
            err.println(prefix(command) + message);
        }
        if (verbose(command)) {
            exception.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static String prefix(CommandLine command) {
        return command.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(CommandLine command) {
        Object root = command.getCommandSpec().root().userObject();
        return root instanceof Dmactl dmactl && dmactl.verboseMixin().isVerbose();
    }
}
