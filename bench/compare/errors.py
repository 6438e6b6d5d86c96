"""The error raised for input that makes a comparison impossible."""


class CompareInputError(ValueError):
    """An argument, a study folder or a pair of studies cannot be compared.

    The message names the argument or file, the value received and what is accepted. The
    command line prints it and exits with code 2.
    """
