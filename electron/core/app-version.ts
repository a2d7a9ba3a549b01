/** The version of Afterword, recorded in a vault that it creates and printed by `afterword --version`. */
export const APP_VERSION = '0.1.0';
